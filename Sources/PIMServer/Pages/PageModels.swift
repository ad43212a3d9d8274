import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCategories
import PIMCore
import PIMFramework

/// View models for the Mustache templates: plain values, already formatted, so templates hold no logic.
enum PageModels {
    struct Login { var csrfToken: String; var error: String? }

    struct Home {
        var workspaceName: String
        var country: String
        var adminLevels: String
        var categories: [CategoryBlock]
        /// How many days old the latest data may be before a category is flagged stale.
        var recentDays: Int
        var gapCount: Int
        /// §11 scenario coverage (roles that see every dataset only: it names systems and datasets).
        var showCoverage: Bool
        var scenarios: [ScenarioRow]
        var scenario: ScenarioDetail?
    }

    struct CategoryBlock {
        var id: String; var name: String; var hasDatasets: Bool; var datasets: [DatasetRow]
        /// "current", "stale" or "gap", with the sentence that says why.
        var status: String; var statusText: String
    }

    struct DatasetRow {
        var name: String; var sensitivity: String; var latestVersion: String; var latestDate: String; var rows: String
        /// The end of the period the latest data covers (else the day it was stored), and its age in days.
        var dataUpTo: String; var ageDays: String; var freshness: String
    }

    struct ScenarioRow { var id: String; var name: String; var covered: Int; var partial: Int; var gaps: Int; var selected: Bool }
    struct ScenarioDetail { var name: String; var lines: [CoverageLine] }
    struct CoverageLine { var priority: String; var need: String; var producers: String; var systems: String; var datasets: String; var status: String }

    struct Matrix {
        var categories: [CategoryLink]; var rows: [MatrixRow]
        var query: String = ""; var searched = false; var hits: [SearchHit] = []
    }
    struct SearchHit { var id: String; var name: String; var produces: Bool; var shares: Bool; var matches: [SearchLine] }
    struct SearchLine { var element: String; var section: String; var text: String }
    struct CategoryLink { var id: String; var name: String }
    struct MatrixRow { var title: String; var cells: [MatrixCell] }
    struct MatrixCell { var entries: [String] }

    struct Category {
        var name: String
        var definition: String
        var status: String
        var statusSection: String
        var explanation: [String]
        var elements: [Element]
        var shares: [Share]
    }

    struct Element { var title: String; var entries: [String] }
    struct Share { var id: String; var what: String; var level: String }

    struct DatasetPage {
        var name: String
        var purpose: String
        var sensitivity: String
        var createdAt: String
        var categoryID: String
        var categoryName: String
        var fields: [FieldRow]
        var versions: [VersionRow]
        var outputTitle: String
        var outputNotes: [String]
        var outputError: String?
        var chart: Chart?
        var sections: [Section]
        var pager: Pager?
        var canSeeInternal: Bool
        var otherView: String
        var otherViewLabel: String
        /// Links to the risk page and the anonymisation preview (microdata roles).
        var riskLink = false
        /// Trend and pyramid charts from the shareable output (see ``DataChart``).
        var extraCharts: [ExtraChart] = []
    }

    struct ExtraChart { var svg: String; var caption: String; var header: [String]; var rows: [Row] }

    struct FieldRow { var name: String; var label: String; var type: String; var role: String; var hxl: String; var required: String }

    struct VersionRow {
        var number: Int
        var rows: Int
        var stored: String
        var source: String
        var system: String
        var method: String
        var period: String
        var area: String
        var file: String
        var sha: String
        /// Rows left out by validation at import (mode valid-rows), from the import's audit event; "—" unknown.
        var rejected: String = "—"
    }

    /// Mustache reads stored properties only (through `Mirror`), so every shown value is stored.
    struct Chart { var svg: String; var caption: String; var unit: String; var bars: [ChartBar] }
    struct ChartBar { var label: String; var valueText: String }

    struct Section {
        var title: String
        var columns: [String]
        var rows: [Row]
        var notes: [String]
        var first: Int
        var last: Int
        var total: Int
    }

    struct Row { var cells: [String] }

    struct Pager {
        var page: Int
        var pages: Int
        var previous: Int?
        var next: Int?
        var viewQuery: String

        init?(page: Int, pages: Int, viewQuery: String = "") {
            guard pages > 1 else { return nil }
            self.page = page
            self.pages = pages
            previous = page > 1 ? page - 1 : nil
            next = page < pages ? page + 1 : nil
            self.viewQuery = viewQuery
        }
    }

    struct Audit {
        var chainStatus: String
        var chainClass: String
        /// `SEQUENCE:HASH` of the newest event when the chain is intact (an anchor to keep outside pim).
        var head: String?
        var events: [AuditRow]
        var first: Int
        var last: Int
        var total: Int
        var pager: Pager?
        // Sharing: the filters
        var filter: AuditFilterForm
        var filterError: String?
        var filtered: Bool
    }

    /// The audit filter form, filled in with the current filters.
    struct AuditFilterForm {
        struct Action { var value: String; var selected: Bool }
        var actor: String
        var dataset: String
        var from: String
        var to: String
        var actions: [Action]

        init(_ s: AuditSearch) {
            actor = s.actor
            dataset = s.dataset
            from = s.from
            to = s.to
            actions = AuditAction.allCases.map { Action(value: $0.rawValue, selected: $0.rawValue == s.action) }
        }
    }

    struct AuditRow {
        var sequence: Int64
        var at: String
        /// The user name when the actor is a known user id (audit readers may see who acted), else the actor as stored.
        var actor: String
        var actorID: String
        var action: String
        var dataset: String
        var datasetShort: String
        var records: String
        var details: String
        var hash: String
    }

    /// `2026-01-01 09:30 UTC`.
    static func format(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return String(f.string(from: date).prefix(16)) + " UTC"
    }

    /// Page `page` (1-based) of `count` items: the range and the number of pages.
    static func slice(count: Int, page: Int, size: Int) -> (range: Range<Int>, pages: Int, page: Int) {
        let pages = max(1, (count + size - 1) / size)
        let p = min(max(1, page), pages)
        let start = (p - 1) * size
        return (start..<min(count, start + size), pages, p)
    }
}
