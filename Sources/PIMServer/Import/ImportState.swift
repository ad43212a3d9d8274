import Foundation
import PIMCore
import PIMStorage
import PIMTable

/// Uploads waiting for confirmation and import jobs, held in memory by the server. Each belongs to the user
/// who made it: anyone else is answered as if it did not exist.
actor ImportState {
    /// Provenance typed in the upload form (as `pim import`'s options).
    struct ProvenanceFields: Sendable, Hashable {
        var sourceOrganization: String?
        var sourceSystem: String?
        var method: String?
        var periodStart: String?
        var periodEnd: String?
        var area: String?
        var received: String?
        var notes: String?
    }

    struct Upload: Sendable {
        var id: String
        var owner: User.ID
        var file: UploadedFile
        /// The name the user's file had (shown, and kept in provenance).
        var originalName: String
        var sha256: String
        var read: ReadResult
        var datasetName: String
        var category: String?
        var purpose: String?
        var sensitivity: Sensitivity
        var provenance: ProvenanceFields
        /// Columns may carry hashtags outside the HXL core dictionary (the upload form's choice).
        var allowUnknownTags = false
        var createdAt: Date
        /// The validation shown in the preview, computed once (roles do not change it).
        var validation: PageModels.ValidationView?
    }

    enum Status: String, Sendable { case running, succeeded, failed }

    struct Job: Sendable {
        var id: String
        var owner: User.ID
        var uploadID: String
        var datasetName: String
        var fileName: String
        var phase: String
        var percent: Int
        var status: Status
        var error: String?
        var version: Int?
        var rows: Int?
        var rejected: Int?
        var createdAt: Date
    }

    private var uploads: [String: Upload] = [:]
    private var jobs: [String: Job] = [:]

    static func newID() -> String { String(RandomToken.make().prefix(32)) }

    /// Uploads not imported within this time are forgotten and their files deleted.
    static let uploadLifetime: TimeInterval = 24 * 60 * 60

    func add(_ upload: Upload) {
        let cutoff = upload.createdAt.addingTimeInterval(-Self.uploadLifetime)
        for (id, u) in uploads where u.createdAt < cutoff && runningJob(upload: id) == nil { removeUpload(id) }
        uploads[upload.id] = upload
    }

    /// The upload if `owner` made it.
    func upload(_ id: String, owner: User.ID) -> Upload? {
        guard let u = uploads[id], u.owner == owner else { return nil }
        return u
    }

    func setValidation(_ view: PageModels.ValidationView, upload id: String) { uploads[id]?.validation = view }

    /// Forgets the uploads that nobody can import any more, and deletes their files (raw personal data must not
    /// stay outside the audited store; QA11 S10): those older than ``uploadLifetime``, and those whose owner is
    /// no longer signed in (signed out, disabled, or idle past the session timeout). An upload being imported
    /// stays until its job ends.
    /// - Returns: how many were removed.
    @discardableResult
    func sweep(now: Date, signedIn: Set<User.ID>) -> Int {
        let cutoff = now.addingTimeInterval(-Self.uploadLifetime)
        // (An upload made after `now`, the moment `signedIn` was taken, is not judged by it.)
        let stale = uploads.filter { id, u in
            (u.createdAt < cutoff || (!signedIn.contains(u.owner) && u.createdAt <= now)) && runningJob(upload: id) == nil
        }
        for id in stale.keys { removeUpload(id) }
        return stale.count
    }

    /// How many uploads wait for confirmation.
    var pendingUploads: Int { uploads.count }

    /// Sweeps every `interval` seconds (see ``sweep(now:signedIn:)``) for as long as the state is in use. A user
    /// disabled in the store (also by `pim user` while the server runs, which ends no session here) counts as
    /// signed out.
    nonisolated func startSweeping(every interval: TimeInterval, sessions: SessionStore, store: any Store,
                                   now: @escaping @Sendable () -> Date) {
        Task.detached { [weak self] in
            while true {
                do { try await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000)) } catch { return }
                guard let state = self else { return }
                let time = now()
                let live = await sessions.signedInUsers(now: time)
                // (If the users cannot be read, the sessions alone decide.)
                let disabled = Set(((try? await store.users()) ?? []).filter(\.isDisabled).map(\.id))
                await state.sweep(now: time, signedIn: live.subtracting(disabled))
            }
        }
    }

    /// Forgets an upload and deletes its file.
    func removeUpload(_ id: String) {
        uploads.removeValue(forKey: id)?.file.discard()
    }

    /// Adds a job, forgetting finished jobs older than ``uploadLifetime``.
    func add(_ job: Job) {
        let cutoff = job.createdAt.addingTimeInterval(-Self.uploadLifetime)
        jobs = jobs.filter { $0.value.status == .running || $0.value.createdAt >= cutoff }
        jobs[job.id] = job
    }

    func job(_ id: String, owner: User.ID) -> Job? {
        guard let j = jobs[id], j.owner == owner else { return nil }
        return j
    }

    /// The running job of an upload, so a second click does not import the file twice.
    func runningJob(upload: String) -> Job? {
        jobs.values.first { $0.uploadID == upload && $0.status == .running }
    }

    func progress(_ id: String, phase: String, percent: Int) {
        jobs[id]?.phase = phase
        jobs[id]?.percent = percent
    }

    func succeed(_ id: String, version: Int, rows: Int, rejected: Int) {
        guard var j = jobs[id] else { return }
        j.status = .succeeded
        j.phase = "finished"
        j.percent = 100
        j.version = version
        j.rows = rows
        j.rejected = rejected
        jobs[id] = j
    }

    func fail(_ id: String, error: String) {
        guard var j = jobs[id] else { return }
        j.status = .failed
        j.phase = "failed"
        j.error = error
        jobs[id] = j
    }
}
