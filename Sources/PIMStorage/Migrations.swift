/// The metadata schema, one list of statements per migration, in a dialect-neutral form that both backends
/// translate (`$INT` → INTEGER / BIGINT, `$REAL` → REAL / DOUBLE PRECISION, `$BOOL` → INTEGER / BOOLEAN).
///
/// Names are snake_case so PostgreSQL needs no quoting. Dates are whole milliseconds since 1970 in `$INT`.
public enum Migrations {
    public struct Migration: Sendable {
        public let id: String
        public let statements: [String]
    }

    public static let all: [Migration] = [
        Migration(id: "001-metadata", statements: [
            """
            CREATE TABLE workspace (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL,
                admin_levels TEXT NOT NULL, created_at $INT NOT NULL)
            """,
            "CREATE TABLE roles (name TEXT PRIMARY KEY, description TEXT NOT NULL)",
            """
            CREATE TABLE organizations (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, acronym TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL, created_at $INT NOT NULL)
            """,
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY, user_name TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
                role TEXT NOT NULL REFERENCES roles(name),
                organization_id TEXT REFERENCES organizations(id),
                password_hash TEXT NOT NULL, disabled $BOOL NOT NULL, failed_logins $INT NOT NULL,
                locked_until $INT, created_at $INT NOT NULL)
            """,
            """
            CREATE TABLE datasets (
                id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, category TEXT NOT NULL, schema_json TEXT NOT NULL,
                sensitivity TEXT NOT NULL, purpose TEXT NOT NULL, created_at $INT NOT NULL)
            """,
            """
            CREATE TABLE dataset_versions (
                id TEXT PRIMARY KEY, dataset_id TEXT NOT NULL REFERENCES datasets(id),
                number $INT NOT NULL, row_count $INT NOT NULL, schema_json TEXT NOT NULL, table_name TEXT NOT NULL,
                source_organization TEXT, source_system TEXT, method TEXT, period_start TEXT, period_end TEXT,
                area TEXT, received_at $INT NOT NULL, file_name TEXT NOT NULL, sha256 TEXT NOT NULL,
                imported_by TEXT NOT NULL, quality_notes TEXT, created_at $INT NOT NULL,
                UNIQUE (dataset_id, number), UNIQUE (dataset_id, sha256))
            """,
            """
            CREATE TABLE audit_events (
                seq $INT PRIMARY KEY, at $INT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
                dataset_id TEXT, organization_id TEXT, agreement_id TEXT, record_count $INT,
                details TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)
            """,
            "CREATE INDEX audit_events_at ON audit_events (at)",
            "CREATE TABLE audit_head (id $INT PRIMARY KEY, seq $INT NOT NULL, hash TEXT NOT NULL)",
        ]),
        Migration(id: "002-sharing", statements: [
            """
            CREATE TABLE documents (
                kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, updated_at $INT NOT NULL,
                PRIMARY KEY (kind, id))
            """,
            """
            CREATE TABLE consent (
                dataset_id TEXT NOT NULL REFERENCES datasets(id), record_id TEXT NOT NULL, purpose TEXT NOT NULL,
                granted $BOOL NOT NULL, at $INT NOT NULL, PRIMARY KEY (dataset_id, record_id, purpose))
            """,
            "CREATE TABLE workspace_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL, created_at $INT NOT NULL)",
        ]),
        // A deleted version keeps its record (its number is never given again, so "version 3" in the audit
        // trail names one version only); its rows are dropped.
        Migration(id: "002-deleted-versions", statements: [
            "ALTER TABLE dataset_versions ADD COLUMN deleted_at $INT",
        ]),
    ]

    /// Rows of the `roles` table, seeded by the first migration.
    public static let roleDescriptions: [(String, String)] = [
        ("administrator", "Manages users, organisations and the workspace"),
        ("pim-officer", "Imports, analyses and shares protection data"),
        ("data-protection-focal-point", "Approves agreements and exceptions; reviews disclosure risk"),
        ("analyst", "Sees aggregated outputs only"),
        ("partner-viewer", "Sees only what agreements shared with their organisation"),
        ("case-worker", "Case management: own cases"),
        ("supervisor", "Case management: the team's cases"),
    ]
}
