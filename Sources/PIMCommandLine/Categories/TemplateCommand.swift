import ArgumentParser
import Foundation
import PIMCategories
import PIMCore
import PIMFramework
import PIMStorage
import PIMTable

/// `pim template CATEGORY --format csv|hxl|xlsx|xlsform|schema --out FILE`: an empty data template for a category.
struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Write an empty data template of a PIM category: CSV, HXL CSV, XLSX, an XLSForm for KoboToolbox, or its schema.",
        discussion: """
            Examples:
              pim template case-management --format hxl --out cases.csv        header + HXL hashtag row
              pim template protection-monitoring --format xlsform --out pm-form.xlsx
              pim template population-data --format schema --out pop-schema.json
              pim template population-data                                     describe the fields
              pim template protection-monitoring --variant responses           household and key-informant interviews
            Column names, HXL tags, disclosure roles and allowed values come from the template; the schema \
            file can be given to `pim import --schema` so a dataset is validated against the template.
            """
    )

    enum Format: String, CaseIterable, ExpressibleByArgument { case csv, hxl, xlsx, xlsform, schema, text }

    @Argument(help: "Category id, name or alias (see `pim framework categories`).") var category: String
    @Option(help: "csv or hxl (header + HXL row), xlsx (with HXL row), xlsform, schema (JSON), text (describe).")
    var format: Format = .text
    @Option(help: "Output file (default: standard output for csv, hxl, schema and text).") var out: String?
    @Option(help: "XLSForm: gazetteer (HXL CSV with #adm1+code …) whose P-codes become choice lists.") var gazetteer: String?
    @Option(help: "Another template of the category: responses (protection monitoring's household and key-informant interviews; the default is its incidents).")
    var variant: String?

    func validate() throws {
        if (format == .xlsx || format == .xlsform) && out == nil { throw ValidationError("--format \(format.rawValue) needs --out FILE.xlsx.") }
    }

    func run() throws {
        let id = try PIMFramework.standard.category(named: category).id
        guard let template = CategoryTemplate.template(for: id, variant: variant) else {
            let known = CategoryTemplate.templates(for: id).compactMap(\.variant)
            throw CLIError("The \(id.rawValue) category has no template \"\(variant ?? "")\"" + (known.isEmpty
                ? "; it has one template (leave --variant out)." : "; its other template is: \(known.joined(separator: ", ")) (leave --variant out for the main one)."))
        }
        try Output.checkOutput(out)
        let url = out.map { URL(fileURLWithPath: $0) }
        switch format {
        case .csv, .hxl:
            // Both carry the HXL row: a template is there so that teams collect with the right tags (QA11 C22).
            let bytes = CSVWriter.data(template.emptyTable(), hxl: true)
            try emit(bytes, url)
        case .xlsx:
            guard let url else { return }
            try XLSXWriter.write(template.emptyTable(), sheetName: id.rawValue, hxl: true, to: url)
        case .xlsform:
            guard let url else { return }
            var places: Gazetteer?
            if let gazetteer {
                do { places = try Gazetteer(table: try TableReader.read(url: URL(fileURLWithPath: gazetteer)).table) } catch let e as GazetteerError {
                    throw CLIError("\(gazetteer): \(e.description)")
                }
            }
            try XLSForm(template: template, gazetteer: places).write(to: url)
        case .schema:
            try emit(Data((try Output.json(template.schema) + "\n").utf8), url)
        case .text:
            var lines = ["\(PIMFramework.standard.category(id).name) template\(template.variant.map { " (\($0))" } ?? ""): one row = \(template.unit)", ""]
            let others = CategoryTemplate.templates(for: id).filter { $0.variant != template.variant }
            for other in others {
                lines.insert("Also: " + (other.variant.map { "--variant \($0)" } ?? "the main template (leave --variant out)")
                    + " for one row = \(other.unit).", at: 1)
            }
            lines.append(Output.table(["column", "hxl", "type", "role", "required", "values"], template.fields.map { tf in
                let f = tf.field
                let values = tf.taxonomy.map { "\($0.codes.count) codes: \($0.source)" }
                    ?? [f.minimum.map { "min \(f.boundText($0))" }, f.maximum.map { "max \(f.boundText($0))" }].compactMap { $0 }.joined(separator: ", ")
                return [f.name, f.hxl ?? "", f.type.rawValue, f.role.rawValue, f.required ? "yes" : "", values]
            }))
            if !template.rules.isEmpty { lines += ["", "Checks across columns of a row:"] + template.rules.map { "  \($0)" } }
            try emit(Data((lines.joined(separator: "\n") + "\n").utf8), url)
        }
        if let out { Output.stderr("Wrote the \(id.rawValue) template (\(format.rawValue)) to \(out).") }
    }

    private func emit(_ data: Data, _ url: URL?) throws {
        guard let url else {
            FileHandle.standardOutput.write(data)
            return
        }
        do { try data.write(to: url, options: .atomic) } catch { throw CLIError("Cannot write \(url.path).") }
    }
}
