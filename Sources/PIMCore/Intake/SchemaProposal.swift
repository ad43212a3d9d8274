import PIMTable

/// Proposes a schema from a table's columns, types and HXL tags. The user confirms or edits it.
///
/// Disclosure roles are a first guess that errs on the side of protection: anything that looks like a name,
/// phone number or record id is a direct identifier; locations, sex, age, nationality, legal status and
/// household size are quasi-identifiers; needs, incidents and anything tagged `+sensitive` is sensitive. A text or integer
/// column that its name and tag leave as "other" but that has a different value in nearly every record (a
/// reference number, people's names under an unexpected heading) is a direct identifier too.
public enum SchemaProposal {
    public static func propose(for table: Table) -> Schema {
        Schema(fields: table.columns.map { c in
            var r = role(name: c.name, tag: c.tag)
            if r == .other && c.isNearlyUniquePerRecord { r = .directIdentifier }
            return Field(name: c.name, label: nil, hxl: c.tag?.description, type: c.type, role: r,
                         required: c.nullCount == 0 && c.count > 0, adminLevel: adminLevel(tag: c.tag))
        })
    }

    static let directNameWords = ["name", "phone", "mobile", "email", "address", "passport", "national_id",
                                  "nationalid", "id_number", "registration", "case_number", "case_id", "caseid",
                                  "record_id", "gps", "latitude", "longitude", "uuid", "_uuid", "beneficiary_id",
                                  "individual_id", "progres", "contact", "father", "mother", "first", "last",
                                  // Dates of birth single people out; Kobo and registration meta columns.
                                  "dob", "date_of_birth", "birth_date", "birthdate", "birthday", "unhcr_id", "unhcr",
                                  "submission_id", "instance_id", "instanceid", "meta_instanceid",
                                  // Places and objects that point to one household or person.
                                  "geolocation", "_geolocation", "geopoint", "gps_coordinates", "coordinates",
                                  "tent_number", "tent_no", "shelter_number", "shelter_no", "plot_number", "plot_no",
                                  "house_number", "block_number", "signature", "photo", "picture", "image",
                                  "fingerprint", "biometric", "biometrics", "iris", "face"]
    static let quasiNames = ["sex", "gender", "age", "age_group", "age_band", "nationality", "legal_status",
                             "ethnicity", "religion", "marital_status", "disability", "settlement_type",
                             "occupation", "education", "language", "displacement_status", "year_of_birth",
                             "birth_year", "yob", "village", "camp", "site", "settlement", "district", "locality",
                             "county", "province", "region", "governorate", "municipality", "town", "city",
                             "neighbourhood", "neighborhood", "block", "zone", "location", "country_of_origin",
                             "place_of_origin", "origin", "tribe", "clan"]
    static let sensitiveNames = ["specific_need", "incident_type", "violation", "gbv", "diagnosis", "health",
                                 "vulnerability", "protection_risk", "perpetrator", "survivor",
                                 // Special categories and protection incidents (QA11 I17).
                                 "rape", "sexual", "hiv", "aids", "pregnan", "medical", "detention", "detained", "arrest",
                                 "abduct", "kidnap", "torture", "trafficking", "recruitment", "criminal", "political",
                                 "orientation", "separated_child", "unaccompanied", "mental", "psychosocial", "disease"]

    /// Words of a column name that make it a person's name (unless a place or organisation word is there too).
    static let personNameWords: Set<String> = ["name", "names", "surname", "firstname", "lastname", "fullname",
                                               "forename", "givenname", "nombre", "nom", "prenom", "prénom",
                                               "apellido", "apellidos", "nome", "sobrenome"]
    static let placeWords: Set<String> = ["camp", "site", "village", "settlement", "location", "place", "district",
                                          "county", "province", "region", "governorate", "municipality", "town",
                                          "city", "locality", "area", "zone", "neighbourhood", "neighborhood",
                                          "country", "state", "adm1", "adm2", "adm3", "adm4", "admin1", "admin2",
                                          "admin3", "admin4"]
    static let organisationWords: Set<String> = ["org", "organisation", "organization", "partner", "agency", "ngo",
                                                 "school", "facility", "project", "programme", "program", "activity",
                                                 "sector", "cluster", "donor", "file", "sheet", "item", "form", "survey"]
    static let contactWords: Set<String> = ["phone", "telephone", "tel", "mobile", "cellphone", "whatsapp", "email",
                                            "telefono", "teléfono", "telefone", "phonenumber",
                                            // Arabic: phone, mobile, name (QA11 I17).
                                            "الهاتف", "هاتف", "الجوال", "جوال", "اسم", "الاسم"]
    /// Words of a column name that identify wherever they stand ("Date of Birth", "Registration Number").
    static let identifyingWords: Set<String> = ["birth", "dob", "birthdate", "birthday", "registration", "passport",
                                                "address", "gps", "latitude", "longitude", "coordinates", "uuid",
                                                "signature", "photo", "fingerprint", "biometric", "iris", "unhcr",
                                                "progres",
                                                // Positions, ID numbers and KoboToolbox's device and respondent meta
                                                // columns (QA11 I17).
                                                "lat", "lon", "lng", "nid", "imei", "deviceid", "simserial", "subscriberid",
                                                "username", "attachments"]
    /// Words of a column name that make it a quasi-identifier wherever they stand ("respondent_age", "age_yrs").
    static let quasiWords: Set<String> = ["age", "sex", "gender", "nationality", "ethnicity", "religion",
                                          "disability", "marital", "occupation", "tribe", "clan", "edad", "sexe",
                                          "sexo", "genre", "الجنس", "العمر", "الجنسية"]

    public static func role(name: String, tag: HXLTagSpec?) -> DisclosureRole {
        let n = name.lowercased()
        if let t = tag {
            if t.has("sensitive") { return .sensitive }
            if t.tag == "household" && t.has("id") { return .householdID }
            if (t.tag == "household" || t.tag == "hh") && (t.has("size") || t.has("members")) { return .quasiIdentifier }
            if t.tag == "meta" && (t.has("id") || t.has("uuid")) { return .directIdentifier }
            // Free text can name anyone: treated as identifying until a person has read it.
            if ["contact", "geo", "description"].contains(t.tag) { return .directIdentifier }
            if t.tag == "beneficiary" || (t.tag == "affected" && t.has("name")) || t.has("name") && t.tag == "meta" {
                return .directIdentifier
            }
            // A date of birth singles a person out.
            if t.tag == "date" && (t.has("birth") || t.has("dob")) { return .directIdentifier }
            if t.tag == "weight" || t.has("weight") { return .weight }
            if t.tag.hasPrefix("adm") || t.tag == "loc" || t.tag == "sex" || t.tag == "gender" || t.tag == "age"
                || t.has("age") || t.has("nationality") || t.has("legal") || t.tag == "disability" {
                return .quasiIdentifier
            }
            if ["need", "event", "severity", "crisis"].contains(t.tag) && (t.has("type") || t.has("code")) {
                return .sensitive
            }
        }
        if n == "household_id" || n == "hh_id" || n == "household" { return .householdID }
        if n == "weight" || n == "w" || n.hasSuffix("_weight") || n == "wgt" { return .weight }
        // The name's words: "Name of respondent", "head_of_household_name", "age_yrs".
        let words = Set(n.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
        if !words.isDisjoint(with: personNameWords) {
            // A place's name is a location, an organisation's is not personal; any other name is a person's.
            if !words.isDisjoint(with: placeWords) { return .quasiIdentifier }
            if !words.isDisjoint(with: organisationWords) { return .other }
            return .directIdentifier
        }
        // A year of birth is an age, not a date of birth.
        if words.contains("year") && words.contains("birth") { return .quasiIdentifier }
        if !words.isDisjoint(with: contactWords) || !words.isDisjoint(with: identifyingWords) { return .directIdentifier }
        // A household's size is a key of household data (sdcMicro's standard one): "household_size", "HH members",
        // "number of household members" (QA11 S2: released as "other", it went uncounted in a share's risk).
        // (Not a member's id or number: "hh_member_id", "household_member_no" identify a person.)
        if n == "hhsize" || n == "householdsize" || n == "familysize"
            || (!words.isDisjoint(with: ["household", "hh", "family"]) && !words.isDisjoint(with: ["size", "members"])
                && words.isDisjoint(with: ["id", "no", "code", "ref", "name", "names", "nr", "num"]))
        {
            return .quasiIdentifier
        }
        // "household_no", "HH number": a household's own identifier.
        if !words.isDisjoint(with: ["household", "hh"]) && !words.isDisjoint(with: ["no", "number", "num", "id", "code", "ref"]) {
            return .householdID
        }
        // A bare id (a record's or a submission's) identifies; `site_id` or `partner_id` need not.
        if n == "id" || n == "_id" || directNameWords.contains(where: { n == $0 || n.hasSuffix("_" + $0) || n.hasPrefix($0 + "_") }) {
            return .directIdentifier
        }
        if ["notes", "comments", "comment", "remarks", "description", "narrative"].contains(n) { return .directIdentifier }
        // An ID number: "id_no", "id_number".
        if words.contains("id") && !words.isDisjoint(with: ["no", "number", "num", "nr"]) { return .directIdentifier }
        if n.hasPrefix("adm") || n.hasPrefix("admin") || n.hasSuffix("pcode") { return .quasiIdentifier }
        if quasiNames.contains(n) || !words.isDisjoint(with: quasiWords) { return .quasiIdentifier }
        if sensitiveNames.contains(where: { n.contains($0) }) { return .sensitive }
        return .other
    }

    /// `#adm2+code` → 2; P-code columns are checked against the gazetteer at that level.
    public static func adminLevel(tag: HXLTagSpec?) -> Int? {
        guard let t = tag, t.tag.hasPrefix("adm"), t.has("code"), let level = Int(t.tag.dropFirst(3)), (1...5).contains(level)
        else { return nil }
        return level
    }
}
