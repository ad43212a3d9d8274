// PIMCommandLine
