import PIMCommandLine

await PIMEntryPoint.run()
