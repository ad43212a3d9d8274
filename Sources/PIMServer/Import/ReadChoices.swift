import Foundation
import PIMTable

/// How an uploaded file is read, as the web form and the API take it (the CLI's `--sheet`, `--delimiter` and
/// `--allow-ragged`): `sheet` (XLSX: its name; default the first), `delimiter` (`,` `;` `tab` `|`, or empty to
/// sniff), `allow_ragged` (pad short rows instead of refusing the file).
struct ReadChoices: Sendable, Hashable {
    var options = CSVReadOptions()
    var sheet: String?
    /// Accept columns tagged with hashtags outside the HXL core dictionary that the schema does not declare
    /// (`allow_unknown_tags`, as `pim import --allow-unknown-tags`).
    var allowUnknownTags = false

    /// - Throws: ``ServerError/badRequest(_:)`` for a delimiter other than those four or a flag that is not a yes/no.
    init(_ value: (String) -> String?) throws(ServerError) {
        if let sheet = value("sheet")?.trimmingCharacters(in: .whitespaces), !sheet.isEmpty { self.sheet = sheet }
        switch value("delimiter")?.trimmingCharacters(in: .whitespaces).lowercased() ?? "" {
        case "", "auto": break
        case ",", "comma": options.delimiter = UInt8(ascii: ",")
        case ";", "semicolon": options.delimiter = UInt8(ascii: ";")
        case "tab", "\t", "\\t": options.delimiter = UInt8(ascii: "\t")
        case "|", "pipe": options.delimiter = UInt8(ascii: "|")
        default: throw .badRequest("delimiter must be one of , ; tab | (or empty to recognise it from the file).")
        }
        options.allowRagged = try Self.flag("allow_ragged", value)
        allowUnknownTags = try Self.flag("allow_unknown_tags", value)
    }

    /// A yes/no choice (absent: no).
    static func flag(_ name: String, _ value: (String) -> String?) throws(ServerError) -> Bool {
        switch value(name)?.lowercased() ?? "" {
        case "", "false", "0", "no", "off": false
        case "true", "1", "yes", "on": true
        default: throw .badRequest("\(name) is true or false.")
        }
    }
}
