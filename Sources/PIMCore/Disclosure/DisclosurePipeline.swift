import PIMDisclosure
import PIMTable

/// Anonymisation with an optional l-diversity requirement, checked by re-measuring the result.
///
/// k is reached by ``Anonymizer`` (local suppression). For l, classes whose sensitive variable has fewer than
/// `l` distinct values are generalised further by suppressing their least important keys (k restored each
/// time); a class of records with every key suppressed that still lacks l values is joined by records, or
/// whole classes, holding the values it lacks (their keys suppressed too); records are removed only when
/// nothing can complete it. Distinct
/// values are counted as `pim risk` (and sdcMicro) count them: a missing sensitive value is one more value
/// when its class has others. The result is always re-measured with ``RiskAnalysis``: pim
/// never returns a table that fails the k (or l) it was asked for.
public enum DisclosurePipeline {
    public struct Outcome: Sendable {
        public var table: Table
        public var loss: InformationLoss
        public var suppressedPerVariable: [KeySuppression]
        /// Records removed to reach l-diversity (whole equivalence classes with too few distinct sensitive values).
        public var recordsRemovedForL: Int
        /// Equivalence classes removed to reach l-diversity (counted in the table they were removed from).
        public var classesRemovedForL: Int
        public var before: RiskReport
        public var after: RiskReport
        /// Finer admin-level values suppressed because a coarser level of the same row was (``AdminNesting``).
        public var nestedAdminSuppressed: Int = 0
    }

    /// - Parameter schema: the data's schema, for the admin levels of the keys (``AdminNesting``; without one,
    ///   levels are read from names such as `adm2_code`).
    public static func anonymize(
        _ table: Table, plan: AnonymizationPlan, riskSpec: RiskSpec, l: Int?, lSensitive: [String], schema: Schema = Schema(fields: [])
    ) throws -> Outcome {
        var riskSpec = riskSpec
        // The before/after figures include the k asked for, whatever it is.
        if let k = plan.k { riskSpec.kThresholds = Array(Set(riskSpec.kThresholds + [k])).sorted() }
        if let l, l >= 2, lSensitive.isEmpty { throw PipelineError.lWithoutSensitive(l: l) }
        let before = try RiskAnalysis.analyze(table, spec: riskSpec)
        let lRequirement = l.flatMap { l in
            l >= 2 && plan.k != nil
                ? LDiversityRequirement(l: l, sensitive: lSensitive, missingMatchesAny: riskSpec.missingMatchesAny) : nil
        }
        let first = try Anonymizer.apply(plan, to: table, lDiversity: lRequirement)
        // A finer area kept under a suppressed coarser one names it: suppress it too, then measure the release.
        let (current, nested) = AdminNesting.suppressingNestedAdminLevels(first.table, keys: plan.keys, schema: schema)
        let removed = first.recordsRemovedForL
        var loss = first.loss
        var afterSpec = riskSpec
        afterSpec.keys = plan.keys
        let dropped = Set(plan.drop)
        afterSpec.sensitive = riskSpec.sensitive.filter { !dropped.contains($0) }
        if let h = afterSpec.household, dropped.contains(h) || current[h] == nil { afterSpec.household = nil }
        if let w = afterSpec.weight, current[w] == nil { afterSpec.weight = nil }
        let after = try RiskAnalysis.analyze(current, spec: afterSpec)
        if let k = plan.k, after.minimumFk < k, current.rowCount > 0 {
            throw PipelineError.kNotReached(k: k, found: after.minimumFk)
        }
        if let l, l >= 2 {
            for s in after.lDiversity where s.minimumDistinctL < l {
                throw PipelineError.lNotReached(l: l, sensitive: s.sensitive, found: s.minimumDistinctL)
            }
            // The report's distinct l is sdcMicro's (a missing value counts as one more); the release must hold
            // l known values per class, or every member with a recorded value is known to hold the one there is.
            let sensitive = lSensitive.filter { !dropped.contains($0) && current[$0] != nil }
            for s in try RiskAnalysis.minimumKnownDistinctL(
                sensitive: sensitive, keys: plan.keys, missingMatchesAny: riskSpec.missingMatchesAny, in: current) where s.minimum < l
            {
                throw PipelineError.lNotReached(l: l, sensitive: s.sensitive, found: s.minimum)
            }
        }
        // Removing records for l can remove categories too: the "after" counts are the released table's.
        if removed > 0 { loss.recountCategoriesAfter(in: current) }
        return Outcome(table: current, loss: loss, suppressedPerVariable: first.suppressedPerVariable,
                       recordsRemovedForL: removed, classesRemovedForL: first.classesRemovedForL, before: before, after: after,
                       nestedAdminSuppressed: nested)
    }

    public enum PipelineError: Error, Sendable, CustomStringConvertible {
        case kNotReached(k: Int, found: Int)
        case lNotReached(l: Int, sensitive: String, found: Int)
        /// l-diversity was asked for, but no sensitive variable was named (nor given by the schema).
        case lWithoutSensitive(l: Int)

        public var description: String {
            switch self {
            case .kNotReached(let k, let f):
                "The result would not be \(k)-anonymous (smallest fk \(f)); nothing was written. Generalise more keys or lower the detail."
            case .lNotReached(let l, let s, let f):
                "The result would not be \(l)-diverse in \(s) (a class has only \(f) distinct known value\(f == 1 ? "" : "s")); nothing was written."
            case .lWithoutSensitive(let l):
                "l = \(l) was asked for, but there is no sensitive variable to measure it on; name one (--sensitive) or leave l out."
            }
        }
    }
}
