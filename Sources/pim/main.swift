import PIMCommandLine
await PIMCommand.main()
