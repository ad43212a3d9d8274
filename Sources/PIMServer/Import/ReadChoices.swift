import Foundation
import PIMTable

/// How an uploaded file is read, as the web form and the API take it (the CLI's `--sheet`, `--delimiter` and
/// `--allow-ragged`): `sheet` (XLSX: its name; default the first), `delimiter` (`,` `;` `tab` `|`, or empty to
/// sniff), `allow_ragged` (pad short rows instead of refusing the file).
struct ReadChoices: Sendable, Hashable {
    var options = CSVReadOptions()
    var sheet: String?

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
        switch value("allow_ragged")?.lowercased() ?? "" {
        case "", "false", "0", "no", "off": break
        case "true", "1", "yes", "on": options.allowRagged = true
        default: throw .badRequest("allow_ragged is true or false.")
        }
    }
}
