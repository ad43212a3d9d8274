import Foundation
import PIMCore
import PIMDisclosure
import PIMFramework
import PIMTable

/// A table of text cells from a header and rows ("" is null); the outputs parse numbers and dates from text.
func fixture(_ header: String, _ rows: [String]) -> Table {
    let names = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let cells = rows.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let columns = names.enumerated().map { i, name -> Column in
        var dictionary: [String] = []
        var index: [String: Int32] = [:]
        let codes = cells.map { row -> Int32 in
            let v = i < row.count ? row[i] : ""
            if v.isEmpty { return -1 }
            if let c = index[v] { return c }
            index[v] = Int32(dictionary.count)
            dictionary.append(v)
            return Int32(dictionary.count - 1)
        }
        return Column(name: name, data: .text(codes: codes, dictionary: dictionary))
    }
    return (try? Table(columns: columns)) ?? .empty
}
