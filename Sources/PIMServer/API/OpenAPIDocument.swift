import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PIMCore

/// The OpenAPI 3.1 document of `/api/v1`, generated from the typed ``Route`` table so that it lists
/// exactly the API routes the router serves (a test checks both directions).
enum OpenAPIDocument {
    /// The document as JSON with sorted keys.
    static let json: Data = {
        (try? JSONSerialization.data(withJSONObject: document(), options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }()

    static var apiRoutes: [Route] { Route.allCases.filter { $0.kind == .api } }

    static func document() -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for route in apiRoutes {
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = operation(route)
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "pim API", "version": "1.0.0",
                "description": "Protection Information Management: the PIM framework, datasets, protected outputs, agreements and shares, and the audit log. "
                    + "Authentication is the session cookie set by POST /login; API tokens for automation are planned.",
            ],
            "servers": [["url": "/"]],
            "paths": paths,
            "components": ["schemas": schemas, "securitySchemes": ["sessionCookie": ["type": "apiKey", "in": "cookie", "name": "pim_session"]]],
        ]
    }

    static func operation(_ route: Route) -> [String: Any] {
        var op: [String: Any] = [
            "operationId": route.rawValue,
            "summary": summary(route),
            "description": "Permission: \(route.permission.rawValue) (roles: \(route.permission.roles.map(\.rawValue).sorted().joined(separator: ", "))).",
            "tags": [tag(route)],
            "responses": responses(route),
        ]
        let params = parameters(route)
        if !params.isEmpty { op["parameters"] = params }
        if let body = requestBody(route) { op["requestBody"] = body }
        op["security"] = route.permission.needsSession ? [["sessionCookie": [String]()]] : [[String: [String]]]()
        return op
    }

    static func summary(_ route: Route) -> String {
        switch route {
        case .apiOpenAPI: "This OpenAPI document"
        case .apiCategories: "The eight PIM categories"
        case .apiCategory: "One PIM category with its matrix elements and share rules"
        case .apiDatasets: "Datasets you may see, with their latest version"
        case .apiDataset: "One dataset: schema with disclosure roles and versions with provenance"
        case .apiDatasetRisk: "Re-identification risk of the latest version (k-anonymity, l-diversity, individual risk)"
        case .apiDatasetAggregate: "Counts by dimensions with small-cell and complementary suppression"
        case .apiDatasetOutput: "The category output (§9) of the latest version, shareable by default"
        case .apiAudit: "Audit events in sequence order"
        case .apiAuditVerify: "Checks every hash and link of the audit chain"
        // Sharing
        case .apiAgreements: "Agreements you may see (partner viewers: those their organisation is party to)"
        case .apiAgreementCreate: "Record a draft data-sharing agreement (audited)"
        case .apiAgreement: "One agreement with its status history"
        case .apiAgreementStatus: "Activate (approve), suspend, expire or revoke an agreement (audited)"
        case .apiShares: "Share requests you may see: signed packages and refusals (partner viewers: shares addressed to them)"
        case .apiShareCreate: "Request a share of a dataset under an agreement: a refusal with its reason, or a signed package (audited)"
        case .apiShare: "One share request's outcome"
        case .apiShareDownload: "The signed share package (ZIP); the download is audited as a disclosure"
        default: route.rawValue
        }
    }

    static func tag(_ route: Route) -> String {
        switch route {
        case .apiCategories, .apiCategory: "framework"
        case .apiAudit, .apiAuditVerify: "audit"
        case .apiOpenAPI: "meta"
        case .apiAgreements, .apiAgreementCreate, .apiAgreement, .apiAgreementStatus: "agreements"
        case .apiShares, .apiShareCreate, .apiShare, .apiShareDownload: "shares"
        default: "datasets"
        }
    }

    static func parameters(_ route: Route) -> [[String: Any]] {
        var out: [[String: Any]] = []
        for name in pathParameters(route.path) {
            out.append(["name": name, "in": "path", "required": true, "schema": ["type": "string"]])
        }
        func query(_ name: String, _ type: String, _ description: String) {
            out.append(["name": name, "in": "query", "required": false, "schema": ["type": type], "description": description])
        }
        switch route {
        case .apiDatasetRisk:
            query("keys", "string", "Key variables, comma-separated; default the schema's quasi-identifiers.")
            query("sensitive", "string", "Sensitive variables, comma-separated; default from the schema.")
        case .apiDatasetAggregate:
            out.append(["name": "by", "in": "query", "required": true, "schema": ["type": "string"],
                        "description": "Dimensions, comma-separated; direct identifiers are refused."])
            query("min_cell", "integer", "Smallest publishable cell (default 5; at least 5 without microdata permission).")
        case .apiDatasetOutput:
            out.append(["name": "view", "in": "query", "required": false, "schema": ["type": "string", "enum": ["shareable", "internal"]],
                        "description": "shareable (default) or internal (needs microdata permission)."])
        case .apiAudit:
            query("offset", "integer", "Events to skip (default 0).")
            query("limit", "integer", "Events to return, 1 to 1000 (default 100).")
            query("actor", "string", "Only events by this user (user name) or stored actor.")
            out.append(["name": "action", "in": "query", "required": false,
                        "schema": ["type": "string", "enum": AuditAction.allCases.map(\.rawValue)], "description": "Only this action."])
            query("dataset", "string", "Only events about this dataset (name).")
            query("from", "string", "From this day (yyyy-mm-dd, UTC) or ISO 8601 instant.")
            query("to", "string", "Up to this day (inclusive) or ISO 8601 instant.")
        default: break
        }
        return out
    }

    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").compactMap { s in s.hasPrefix("{") && s.hasSuffix("}") ? String(s.dropFirst().dropLast()) : nil }
    }

    static func responses(_ route: Route) -> [String: Any] {
        func problem(_ d: String) -> [String: Any] {
            ["description": d, "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]]
        }
        var r: [String: Any] = ["200": ["description": "Success", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(schemaName(route))"]]]]]
        if route.permission.needsSession {
            r["401"] = problem("No session, or the session expired")
            r["403"] = problem("Your role may not use this route")
        }
        if !pathParameters(route.path).isEmpty { r["404"] = problem("Missing, or not visible to you") }
        if [.apiDatasetRisk, .apiDatasetAggregate, .apiDatasetOutput, .apiAudit].contains(route) { r["400"] = problem("Invalid query") }
        if route == .apiDatasetOutput { r["422"] = problem("The data does not fit the category's template") }
        // Sharing
        switch route {
        case .apiAgreementCreate, .apiShareCreate:
            r["201"] = r["200"]
            r["200"] = nil
            r["400"] = problem("The body is not the expected JSON")
            r["403"] = problem("Your role may not use this route, or the CSRF token (X-CSRF-Token header) is missing")
            r["422"] = problem(route == .apiShareCreate ? "No such agreement or dataset, or an unknown level" : "The agreement is invalid; the detail lists why")
        case .apiAgreementStatus:
            r["422"] = problem("The agreement's life cycle does not allow this change")
        case .apiShareDownload:
            r["200"] = ["description": "The signed package", "content": ["application/zip": ["schema": ["type": "string", "format": "binary"]]]]
        default: break
        }
        return r
    }

    static func schemaName(_ route: Route) -> String {
        switch route {
        case .apiOpenAPI: "OpenAPIDocument"
        case .apiCategories: "CategoryList"
        case .apiCategory: "CategoryDetail"
        case .apiDatasets: "DatasetList"
        case .apiDataset: "DatasetDetail"
        case .apiDatasetRisk: "RiskReport"
        case .apiDatasetAggregate: "Aggregate"
        case .apiDatasetOutput: "CategoryReport"
        case .apiAudit: "AuditPage"
        case .apiAuditVerify: "AuditVerification"
        case .apiAgreements: "AgreementList"
        case .apiAgreementCreate, .apiAgreement, .apiAgreementStatus: "Agreement"
        case .apiShares: "ShareList"
        case .apiShareCreate, .apiShare: "Share"
        default: "Object"
        }
    }

    static var version: [String: Any] { ["type": "object", "properties": [
        "number": ["type": "integer"], "rowCount": ["type": "integer"], "createdAt": ["type": "string", "format": "date-time"],
        "provenance": ["type": "object"],
    ]] }

    static var datasetSummary: [String: Any] { ["type": "object", "required": ["name", "category", "sensitivity"], "properties": [
        "name": ["type": "string"], "category": ["type": "string"], "sensitivity": ["type": "string", "enum": ["low", "moderate", "high", "severe"]],
        "purpose": ["type": "string"], "createdAt": ["type": "string", "format": "date-time"], "versionCount": ["type": "integer"],
        "latestVersion": ["$ref": "#/components/schemas/Version"],
    ]] }

    // MARK: Sharing

    static func requestBody(_ route: Route) -> [String: Any]? {
        let schema: String
        switch route {
        case .apiAgreementCreate: schema = "NewAgreement"
        case .apiAgreementStatus: schema = "StatusChange"
        case .apiShareCreate: schema = "ShareRequest"
        default: return nil
        }
        return ["required": true, "description": "JSON; send the session's CSRF token in the X-CSRF-Token header.",
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(schema)"]]]]
    }

    static var agreementSchema: [String: Any] { ["type": "object", "properties": [
        "id": ["type": "string"], "status": ["type": "string", "enum": Agreement.Status.allCases.map(\.rawValue)],
        "parties": ["type": "array", "items": ["type": "string"]], "producer": ["type": "string"], "purpose": ["type": "string"],
        "legalBasis": ["type": "string"], "covers": ["type": "array", "items": ["type": "string"]], "level": ["type": "string"],
        "k": ["type": "integer"], "minimumCellSize": ["type": "integer"], "maximumGlobalRisk": ["type": "number"],
        "consentPurpose": ["type": "string"], "retentionDays": ["type": "integer"],
        "validFrom": ["type": "string", "format": "date-time"], "validUntil": ["type": "string", "format": "date-time"],
        "approvedBy": ["type": "string"], "frequency": ["type": "string"], "dimensions": ["type": "array", "items": ["type": "string"]],
        "createdAt": ["type": "string", "format": "date-time"], "createdBy": ["type": "string"],
        "history": ["type": "array", "items": ["type": "object"]],
    ]] }

    static var newAgreementSchema: [String: Any] { ["type": "object", "required": ["id", "parties", "purpose", "legalBasis", "covers", "level"],
        "properties": [
            "id": ["type": "string", "description": "1 to 64 letters, digits, '-', '_', '.'"],
            "parties": ["type": "array", "items": ["type": "string"], "description": "Organisation acronyms, the producer first"],
            "purpose": ["type": "string"],
            "legalBasis": ["type": "string", "enum": Agreement.LegalBasis.allCases.map(\.rawValue)],
            "covers": ["type": "array", "items": ["type": "string"], "description": "Dataset names or PIM category ids"],
            "level": ["type": "string", "enum": DetailLevel.allCases.map(\.rawValue)],
            "k": ["type": "integer", "default": 5], "minimumCellSize": ["type": "integer", "default": 5],
            "maximumGlobalRisk": ["type": "number", "default": 0.03],
            "consentPurpose": ["type": "string", "enum": ConsentPurpose.allCases.map(\.rawValue)],
            "retentionDays": ["type": "integer", "default": 90],
            "validFrom": ["type": "string", "format": "date", "description": "yyyy-mm-dd; default today"],
            "validUntil": ["type": "string", "format": "date", "description": "yyyy-mm-dd, inclusive"],
            "frequency": ["type": "string", "enum": Agreement.Frequency.allCases.map(\.rawValue)],
            "dimensions": ["type": "array", "items": ["type": "string"]],
        ]] }

    static var shareSchema: [String: Any] { ["type": "object", "required": ["id", "outcome"], "properties": [
        "id": ["type": "string"], "outcome": ["type": "string", "enum": ["shared", "refused"]], "agreement": ["type": "string"],
        "dataset": ["type": "string"], "recipient": ["type": "string"], "level": ["type": "string"],
        "created": ["type": "string", "format": "date-time"], "actor": ["type": "string"],
        "records": ["type": "integer"], "leftOutForConsent": ["type": "integer"], "sha256": ["type": "string"], "bytes": ["type": "integer"],
        "encrypted": ["type": "boolean"], "signerFingerprint": ["type": "string"],
        "download": ["type": "string", "description": "Path of the package, when you may download it"],
        "code": ["type": "string", "description": "Refusal code"], "reason": ["type": "string", "description": "Why it was refused"],
        "dimensions": ["type": "array", "items": ["type": "string"]],
    ]] }

    static var schemas: [String: Any] {
        [
            "Problem": ["type": "object", "required": ["title", "status", "detail"], "properties": [
                "type": ["type": "string"], "title": ["type": "string"], "status": ["type": "integer"], "detail": ["type": "string"],
                "instance": ["type": "string"],
            ]],
            "Object": ["type": "object"],
            "OpenAPIDocument": ["type": "object"],
            "CategoryList": ["type": "object", "properties": ["rows": ["type": "array", "items": ["type": "object"]]]],
            "CategoryDetail": ["type": "object", "properties": ["category": ["type": "object"], "mergedCategories": ["type": "array"]]],
            "Version": version,
            "DatasetSummary": datasetSummary,
            "DatasetList": ["type": "array", "items": ["$ref": "#/components/schemas/DatasetSummary"]],
            "DatasetDetail": ["type": "object", "properties": [
                "dataset": ["$ref": "#/components/schemas/DatasetSummary"], "fields": ["type": "array", "items": ["type": "object"]],
                "versions": ["type": "array", "items": ["$ref": "#/components/schemas/Version"]],
            ]],
            "RiskReport": ["type": "object", "description": "k-anonymity, l-diversity, individual and household risk (sdcMicro measures)."],
            "Aggregate": ["type": "object", "properties": [
                "dataset": ["type": "string"], "version": ["type": "integer"], "by": ["type": "array", "items": ["type": "string"]],
                "minCell": ["type": "integer"], "cells": ["type": "integer"], "primarySuppressed": ["type": "integer"],
                "secondarySuppressed": ["type": "integer"], "columns": ["type": "array", "items": ["type": "string"]],
                "rows": ["type": "array", "items": ["type": "array"]],
            ]],
            "CategoryReport": ["type": "object", "properties": [
                "category": ["type": "string"], "title": ["type": "string"], "shareable": ["type": "boolean"],
                "sections": ["type": "array", "items": ["type": "object"]], "notes": ["type": "array", "items": ["type": "string"]],
            ]],
            "AuditPage": ["type": "object", "properties": [
                "total": ["type": "integer"], "offset": ["type": "integer"], "limit": ["type": "integer"],
                "events": ["type": "array", "items": ["type": "object"]],
            ]],
            "Agreement": agreementSchema,
            "AgreementList": ["type": "object", "properties": ["agreements": ["type": "array", "items": ["$ref": "#/components/schemas/Agreement"]]]],
            "NewAgreement": newAgreementSchema,
            "Share": shareSchema,
            "ShareList": ["type": "object", "properties": ["shares": ["type": "array", "items": ["$ref": "#/components/schemas/Share"]]]],
            "ShareRequest": ["type": "object", "required": ["agreement", "dataset"], "properties": [
                "agreement": ["type": "string", "description": "Agreement id"],
                "dataset": ["type": "string", "description": "Dataset name"],
                "recipient": ["type": "string", "description": "Recipient acronym; default the agreement's first recipient"],
                "level": ["type": "string", "enum": DetailLevel.allCases.map(\.rawValue),
                          "description": "Default: the most detailed level the agreement, the category policy and the sensitivity allow"],
                "dimensions": ["type": "array", "items": ["type": "string"],
                               "description": "Aggregated shares: default the agreement's dimensions, else the first two quasi-identifiers"],
            ]],
            "StatusChange": ["type": "object", "required": ["status"], "properties": [
                "status": ["type": "string", "enum": Agreement.Status.allCases.map(\.rawValue)],
            ]],
            "AuditVerification": ["type": "object", "properties": [
                "intact": ["type": "boolean"], "events": ["type": "integer"], "brokenAtSequence": ["type": "integer"],
                "reason": ["type": "string"], "description": ["type": "string"],
            ]],
        ]
    }
}
