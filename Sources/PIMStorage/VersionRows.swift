import PIMCore
import PIMTable

/// Checks shared by both backends before rows are written.
public enum VersionRows {
    /// The table must have exactly the schema's fields, in order, with the schema's types.
    public static func check(table: Table, against schema: Schema) throws(StoreError) {
        guard table.columns.count == schema.fields.count else {
            throw .corrupt("the table has \(table.columns.count) columns but the schema has \(schema.fields.count) fields")
        }
        for (c, f) in zip(table.columns, schema.fields) {
            guard c.name == f.name, c.type == f.type else {
                throw .corrupt("column \"\(c.name)\" (\(c.type.rawValue)) does not match schema field \"\(f.name)\" (\(f.type.rawValue))")
            }
        }
    }
}
