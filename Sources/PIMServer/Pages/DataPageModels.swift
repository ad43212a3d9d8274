import Foundation

/// View models of the data pages: import, jobs, risk and anonymisation.
extension PageModels {
    struct Option { var value: String; var label: String; var selected: Bool }
    struct DatasetOption { var name: String; var category: String }

    struct ImportForm {
        var csrfToken: String
        var error: String?
        var maxSize: String
        var datasets: [DatasetOption]
        var categories: [Option]
        var sensitivities: [Option]
        var dataset: String
        var purpose: String
    }

    struct PreviewColumn { var name: String; var type: String; var hxl: String }
    struct PreviewRow { var row: Int; var cells: [String] }
    struct PreviewTable { var columns: [PreviewColumn]; var rows: [PreviewRow]; var shown: Int; var total: Int }

    struct SchemaFieldRow { var index: Int; var name: String; var type: String; var hxl: String; var required: String; var roles: [Option] }

    struct RuleTotal: Sendable { var rule: String; var count: Int }
    struct IssueRow: Sendable { var location: String; var rule: String; var problem: String; var expected: String }
    struct ValidationView: Sendable {
        var valid: Bool
        var rowsRead: Int
        var rowsRejected: Int
        var issueCount: Int
        /// "1 issue in 1 of 2 rows", counted in words that agree with the numbers.
        var issueSummary: String
        var shownIssues: Int
        var totals: [RuleTotal]
        var issues: [IssueRow]
        /// What validation accepted but said (rows dated outside the declared period, …), as sentences.
        var warnings: [String] = []
    }

    struct ImportPreview {
        var csrfToken: String
        var uploadID: String
        var fileName: String
        var sha: String
        var dataset: String
        var isNew: Bool
        var category: String
        var purpose: String
        var duplicate: String?
        var notes: [String]
        var summary: String
        var preview: PreviewTable
        var fields: [SchemaFieldRow]
        var validation: ValidationView
    }

    struct JobPage {
        var fileName: String
        var dataset: String
        var phase: String
        var percent: Int
        var running: Bool
        var succeeded: Bool
        var failed: Bool
        var error: String?
        var version: Int
        var rows: Int
        var rejected: Int?
        var uploadID: String
    }

    struct Checkbox { var name: String; var index: Int; var checked: Bool; var role: String }
    struct KRow { var k: Int; var records: Int; var classes: Int; var share: String }
    struct SizeRow { var size: Int; var classes: Int }
    struct LRow { var sensitive: String; var distinct: Int; var entropy: String; var recursive: Int; var below: String }
    struct ComboRow { var values: [String]; var records: Int; var fk: Int }
    struct Pair { var label: String; var value: String }

    struct RiskView {
        var recordCount: Int
        var keys: String
        var sensitive: String
        var classCount: Int
        var smallestClass: Int
        var minimumFk: Int
        var hasMissingKeys: Bool
        var kRows: [KRow]
        var sizes: [SizeRow]
        var lRows: [LRow]
        var hasL: Bool
        var individual: [Pair]
        var household: [Pair]
        var hasHousehold: Bool
        var combinationK: Int
        var keyNames: [String]
        var combinations: [ComboRow]
    }

    struct RiskPage {
        var name: String
        var version: Int
        var keyBoxes: [Checkbox]
        var sensitiveBoxes: [Checkbox]
        var error: String?
        var report: RiskView?
        var anonymizeLink: String
    }

    struct LossRow { var name: String; var changed: Int; var suppressed: Int; var before: Int; var after: Int; var share: String }
    struct CompareRow { var label: String; var before: String; var after: String }

    struct AnonymizePage {
        var name: String
        var version: Int
        var csrfToken: String
        var k: Int
        var l: String
        var recode: String
        var generalize: String
        var drop: String
        var pseudonymize: String
        var keyBoxes: [Checkbox]
        var columns: String
        var error: String?
        var hasPreview: Bool
        var comparison: [CompareRow]
        var loss: [LossRow]
        var dropped: String
        var pseudonymized: String
        var recodes: [String]
        var rowsAfter: Int
        var query: [Pair]
    }
}
