import PIMCore
import PIMStorage

/// Finding a stored dataset by the name given on the command line.
enum DatasetLookup {
    /// The dataset named `name`, or an error that says so and, when a stored name differs only in case (names
    /// are unique without case), suggests it.
    static func require(_ name: String, in store: any Store) async throws -> Dataset {
        if let d = try await store.dataset(named: name) { return d }
        throw try await notFound(name, in: store)
    }

    /// The not-found error for `name`: a plain ``StoreError/notFound(kind:key:)``, or one naming the stored
    /// dataset whose name differs only in case.
    static func notFound(_ name: String, in store: any Store, otherwise: String? = nil) async throws -> any Error {
        if let stored = StoredNames.sameName(as: name, among: try await store.datasets().map(\.name)), stored != name {
            return CLIError("There is no dataset \"\(name)\"; did you mean \"\(stored)\"?")
        }
        if let otherwise { return CLIError(otherwise) }
        return StoreError.notFound(kind: "dataset", key: name)
    }
}
