"""The `investorbot` command line: index sources, ask questions, manage sources and prices, and
start the Telegram bot or a worker. One module per group of commands; `main` puts them together."""
