"""One module per command; `publisher.cli` parses arguments and calls exactly one of these."""
