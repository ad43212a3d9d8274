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
                "description": "Protection Information Management: the PIM framework, datasets, protected outputs and the audit log. "
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
        case .apiDatasetVersions: "Uploads a file (the request body) as a new version, validated as `pim import` does"
        case .apiDatasetExport: "A version's rows as CSV, HXL CSV, JSON or XLSX (formulas neutralised; audited)"
        default: route.rawValue
        }
    }

    static func tag(_ route: Route) -> String {
        switch route {
        case .apiCategories, .apiCategory: "framework"
        case .apiAudit, .apiAuditVerify: "audit"
        case .apiOpenAPI: "meta"
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
        case .apiDatasetVersions:
            out.append(["name": "format", "in": "query", "required": true,
                        "schema": ["type": "string", "enum": ["csv", "hxl", "tsv", "json", "xlsx"]], "description": "Format of the body."])
            query("category", "string", "PIM category id of a new dataset (required when creating it).")
            query("purpose", "string", "Defined purpose of a new dataset (required when creating it).")
            query("sensitivity", "string", "low, moderate, high (default) or severe, for a new dataset.")
            out.append(["name": "mode", "in": "query", "required": false,
                        "schema": ["type": "string", "enum": ["reject", "valid-rows", "import-valid"]],
                        "description": "reject (default): any issue refuses the file; valid-rows: store the valid rows."])
            query("file_name", "string", "The file's name, kept in provenance and used in located issues.")
            for (n, d) in [("source_org", "organisation that collected the data"), ("source_system", "system it came from"),
                           ("method", "method of collection"), ("period_start", "first day covered, yyyy-mm-dd"),
                           ("period_end", "last day covered, yyyy-mm-dd"), ("area", "area covered"),
                           ("received", "date received, yyyy-mm-dd"), ("notes", "quality notes")] {
                query(n, "string", "Provenance: \(d).")
            }
        case .apiDatasetExport:
            out.append(["name": "format", "in": "query", "required": false,
                        "schema": ["type": "string", "enum": ["csv", "hxl", "json", "xlsx"]], "description": "csv (default), hxl, json or xlsx."])
            query("version", "integer", "Version number (default: the latest).")
        case .apiAudit:
            query("offset", "integer", "Events to skip (default 0).")
            query("limit", "integer", "Events to return, 1 to 1000 (default 100).")
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
        switch route {
        case .apiDatasetVersions:
            r["200"] = nil
            r["201"] = ["description": "Stored as a new version", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Upload"]]]]
            r["400"] = problem("Invalid query, or a new dataset without category or purpose")
            r["409"] = problem("This exact file (same SHA-256) is already a version of the dataset; nothing stored")
            r["413"] = problem("The file is larger than the server accepts")
            r["422"] = ["description": "Unreadable file, or validation failed (nothing stored); the located issues are in `validation`",
                        "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/ValidationProblem"]]]]
        case .apiDatasetExport:
            r["200"] = ["description": "The rows", "content": [
                "text/csv": ["schema": ["type": "string"]], "application/json": ["schema": ["type": "array", "items": ["type": "object"]]],
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ["schema": ["type": "string", "format": "binary"]],
            ]]
            r["400"] = problem("Invalid format or version")
        default: break
        }
        if route.permission.needsSession {
            r["401"] = problem("No session, or the session expired")
            r["403"] = problem("Your role may not use this route")
        }
        if !pathParameters(route.path).isEmpty { r["404"] = problem("Missing, or not visible to you") }
        if [.apiDatasetRisk, .apiDatasetAggregate, .apiDatasetOutput, .apiAudit].contains(route) { r["400"] = problem("Invalid query") }
        if route == .apiDatasetOutput { r["422"] = problem("The data does not fit the category's template") }
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
        default: "Object"
        }
    }

    static func requestBody(_ route: Route) -> [String: Any]? {
        guard route == .apiDatasetVersions else { return nil }
        let binary: [String: Any] = ["schema": ["type": "string", "format": "binary"]]
        return ["required": true, "description": "The file, as it is (no multipart).", "content": [
            "text/csv": binary, "application/json": binary, "application/octet-stream": binary,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": binary,
        ]]
    }

    static var validation: [String: Any] { ["type": "object", "properties": [
        "valid": ["type": "boolean"], "rowsRead": ["type": "integer"], "rowsRejected": ["type": "integer"], "issueCount": ["type": "integer"],
        "countsByRule": ["type": "object", "additionalProperties": ["type": "integer"]],
        "issues": ["type": "array", "description": "The first 1000 issues", "items": ["type": "object", "properties": [
            "location": ["type": "string", "description": "FILE:ROW:COLUMN"], "file": ["type": "string"], "row": ["type": "integer"],
            "column": ["type": "string"], "rule": ["type": "string"], "problem": ["type": "string"], "expected": ["type": "string"],
        ]]],
    ]] }

    static var version: [String: Any] { ["type": "object", "properties": [
        "number": ["type": "integer"], "rowCount": ["type": "integer"], "createdAt": ["type": "string", "format": "date-time"],
        "provenance": ["type": "object"],
    ]] }

    static var datasetSummary: [String: Any] { ["type": "object", "required": ["name", "category", "sensitivity"], "properties": [
        "name": ["type": "string"], "category": ["type": "string"], "sensitivity": ["type": "string", "enum": ["low", "moderate", "high", "severe"]],
        "purpose": ["type": "string"], "createdAt": ["type": "string", "format": "date-time"], "versionCount": ["type": "integer"],
        "latestVersion": ["$ref": "#/components/schemas/Version"],
    ]] }

    static var schemas: [String: Any] {
        [
            "Problem": ["type": "object", "required": ["title", "status", "detail"], "properties": [
                "type": ["type": "string"], "title": ["type": "string"], "status": ["type": "integer"], "detail": ["type": "string"],
                "instance": ["type": "string"],
            ]],
            "Object": ["type": "object"],
            "Validation": validation,
            "Upload": ["type": "object", "properties": [
                "dataset": ["type": "string"], "created": ["type": "boolean"], "version": ["$ref": "#/components/schemas/Version"],
                "validation": ["$ref": "#/components/schemas/Validation"],
            ]],
            "ValidationProblem": ["type": "object", "required": ["title", "status", "detail"], "properties": [
                "type": ["type": "string"], "title": ["type": "string"], "status": ["type": "integer"], "detail": ["type": "string"],
                "instance": ["type": "string"], "validation": ["$ref": "#/components/schemas/Validation"],
            ]],
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
            "AuditVerification": ["type": "object", "properties": [
                "intact": ["type": "boolean"], "events": ["type": "integer"], "brokenAtSequence": ["type": "integer"],
                "reason": ["type": "string"], "description": ["type": "string"],
            ]],
        ]
    }
}
