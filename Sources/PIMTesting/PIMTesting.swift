// PIMTesting
