"""`qa bench`: how fast the pipeline is next to its raw parts and the llama-index baseline."""
