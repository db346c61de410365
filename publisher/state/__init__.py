"""This machine's files: the state directory, the keys that name what is in it, the resume journal
of a publish, and the ledger of artifact uploads Marketplace's limits are counted against."""
