// PIMPostgres
