"""The Textual chat interface. It calls only `qa`'s public API."""
