"""Story prompts shipped with copbot: the library file and its loader."""
