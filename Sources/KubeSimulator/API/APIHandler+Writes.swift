import Foundation
import NIOHTTP1

extension APIHandler {
    // MARK: create

    func create(
        _ resource: ResourceRequest,
        request: APIRequest,
        query: QueryParameters
    ) throws(APIError)
        -> FullResponse
    {
        let type = resource.type
        guard resource.subresource == nil else { throw APIError.methodNotSupported }
        if type.namespaced, resource.namespace == nil { throw APIError.methodNotSupported }
        var object = try checkedBody(request, resource: resource)
        if type.namespaced {
            object.setValue(.string(resource.namespace ?? ""), at: ["metadata", "namespace"])
        }
        if type.isView { object = EventConversion.toCore(object) }
        var name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        if name.isEmpty, let prefix = object[path: ["metadata", "generateName"]]?.stringValue, !prefix.isEmpty {
            name = prefix + Self.randomSuffix()
            object.setValue(.string(name), at: ["metadata", "name"])
        }
        try validateName(name, type: type)
        for field in ["uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "generation"] {
            object.setValue(nil, at: ["metadata", field])
        }
        if ObjectDefaults.hasStatusSubresource(type) {
            object.setValue(ObjectDefaults.initialStatus(for: type, object: object), at: ["status"])
        }
        ObjectDefaults.apply(&object, type: type)
        let namespace = resource.namespace
        let toCreate = object
        let stored = try cluster.transaction { (store: inout ObjectStore, now: Date) throws(APIError) -> StoredObject in
            if let namespace, store.get(kind: "Namespace", namespace: "", name: namespace) == nil {
                throw APIError.notFound(Self.namespaceType, name: namespace)
            }
            return try store.create(toCreate, type: Self.storageType(type), now: now)
        }
        return FullResponse(
            status: 201,
            contentType: "application/json",
            body: ObjectEncoding(type: type).bytes(stored)
        )
    }

    static let namespaceType = ResourceType.all[0]

    /// The resource whose storage a request writes (the core type for a view).
    static func storageType(_ type: ResourceType) -> ResourceType {
        type.isView ? ResourceType.storing(kind: type.storageKind) ?? type : type
    }

    private static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }

    private func validateName(_ name: String, type: ResourceType) throws(APIError) {
        if name.isEmpty {
            throw APIError.invalid(
                type,
                name: "",
                field: "metadata.name",
                causeReason: "FieldValueRequired",
                detail: "name or generateName is required"
            )
        }
        if let problem = ObjectDefaults.nameProblem(name, type: type) {
            throw APIError.invalid(
                type,
                name: name,
                field: "metadata.name",
                causeReason: "FieldValueInvalid",
                detail: "\"\(name)\": \(problem)"
            )
        }
    }

    /// Decodes a write's body and checks it names this resource's kind, version and namespace.
    private func checkedBody(_ request: APIRequest, resource: ResourceRequest) throws(APIError) -> JSONValue {
        let object = try decodeBody(request)
        guard object.objectValue != nil else {
            throw APIError.badRequest(
                "couldn't get version/kind; json parse error: json: cannot unmarshal \(Self.jsonTypeName(object)) "
                    + "into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; "
                    + "Kind string \"json:\\\"kind,omitempty\\\"\" }"
            )
        }
        try checkKind(
            object,
            resource: resource,
            expectedKind: resource.type.kind,
            expectedVersion: resource.type.apiVersion
        )
        if resource.type.namespaced, let namespace = object[path: ["metadata", "namespace"]]?.stringValue,
            !namespace.isEmpty, namespace != resource.namespace
        {
            throw APIError.badRequest(
                "the namespace of the provided object does not match the namespace sent on the request"
            )
        }
        return object
    }

    private func checkKind(
        _ object: JSONValue,
        resource: ResourceRequest,
        expectedKind: String,
        expectedVersion: String
    ) throws(APIError) {
        let kind = object["kind"]?.stringValue ?? ""
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        if kind.isEmpty {
            throw APIError.badRequest("Object 'Kind' is missing in '\(Self.shortened(object))'")
        }
        if apiVersion.isEmpty {
            throw APIError.badRequest("Object 'apiVersion' is missing in '\(Self.shortened(object))'")
        }
        if apiVersion != expectedVersion {
            throw APIError.badRequest(
                "the API version in the data (\(apiVersion)) does not match the expected API version (\(expectedVersion))"
            )
        }
        if kind != expectedKind {
            throw APIError.badRequest(
                "the kind in the data (\(kind)) does not match the expected kind (\(expectedKind))"
            )
        }
    }

    private static func shortened(_ object: JSONValue) -> String {
        let text = object.serializedString()
        return text.count > 200 ? String(text.prefix(200)) + "..." : text
    }

    private static func jsonTypeName(_ value: JSONValue) -> String {
        switch value {
        case .array: "array"
        case .string: "string"
        case .int, .double: "number"
        case .bool: "bool"
        case .null: "null"
        case .object: "object"
        }
    }

    // MARK: update

    func update(_ resource: ResourceRequest, request: APIRequest) throws(APIError) -> FullResponse {
        let type = resource.type
        let name = resource.name ?? ""
        if resource.subresource == "scale" {
            let scale = try decodeBody(request)
            try checkKind(scale, resource: resource, expectedKind: "Scale", expectedVersion: "autoscaling/v1")
            return try writeScale(resource, scale: scale, precondition: Self.resourceVersion(of: scale))
        }
        var object = try checkedBody(request, resource: resource)
        if type.namespaced { object.setValue(.string(resource.namespace ?? ""), at: ["metadata", "namespace"]) }
        let bodyName = object[path: ["metadata", "name"]]?.stringValue ?? ""
        if bodyName.isEmpty {
            object.setValue(.string(name), at: ["metadata", "name"])
        } else if bodyName != name {
            throw APIError.badRequest(
                "the name of the object (\(bodyName)) does not match the name on the URL (\(name))"
            )
        }
        if type.isView { object = EventConversion.toCore(object) }
        let precondition = try Self.resourceVersion(of: object)
        let subresource = resource.subresource
        let proposed = object
        let stored = try cluster.transaction { (store: inout ObjectStore, now: Date) throws(APIError) -> StoredObject in
            let current = try existing(resource, in: store)
            let merged = Self.applyStrategy(
                proposed: proposed,
                current: current.value,
                type: type,
                subresource: subresource
            )
            return try store.update(
                merged,
                type: Self.storageType(type),
                preconditions: WritePreconditions(resourceVersion: precondition),
                now: now
            )
        }
        return FullResponse(
            status: 200,
            contentType: "application/json",
            body: ObjectEncoding(type: type).bytes(stored)
        )
    }

    /// The `metadata.resourceVersion` a write carries as its precondition, if any.
    static func resourceVersion(of object: JSONValue) throws(APIError) -> Int64? {
        guard let text = object[path: ["metadata", "resourceVersion"]]?.stringValue, !text.isEmpty else { return nil }
        guard let value = Int64(text) else {
            throw APIError.badRequest("metadata.resourceVersion: Invalid value: \"\(text)\": must be a number")
        }
        return value
    }

    /// Applies the update strategy: the main resource keeps the stored status, `/status` keeps the rest.
    static func applyStrategy(
        proposed: JSONValue,
        current: JSONValue,
        type: ResourceType,
        subresource: String?
    )
        -> JSONValue
    {
        var result: JSONValue
        if subresource == "status" {
            result = current
            result.setValue(proposed["status"], at: ["status"])
        } else {
            result = proposed
            // Clients cannot set or clear a deletion mark by writing it.
            result.setValue(current[path: ["metadata", "deletionTimestamp"]], at: ["metadata", "deletionTimestamp"])
            if ObjectDefaults.hasStatusSubresource(type) {
                result.setValue(current["status"], at: ["status"])
            }
            ObjectDefaults.apply(&result, type: type)
        }
        return result
    }

    // MARK: patch

    func patch(
        _ resource: ResourceRequest,
        request: APIRequest,
        query: QueryParameters
    ) throws(APIError)
        -> FullResponse
    {
        let type = resource.type
        let contentType = (request.headers.first(name: "content-type") ?? "").lowercased()
        let mediaType = contentType.split(separator: ";").first.map { String($0).trimmingSpaces() } ?? ""
        guard let kind = PatchKind(rawValue: mediaType) else {
            throw APIError.unsupportedMediaType(mediaType, accepted: PatchKind.acceptedList)
        }
        let document: JSONValue
        if kind == .apply {
            document = try Self.parseYAML(request.body)
        } else {
            do throws(JSONParseError) {
                document = try JSONValue.parse(request.body)
            } catch {
                throw APIError.badRequest("error decoding patch: \(error.problem)")
            }
        }
        if kind != .json, document.objectValue == nil {
            throw APIError.badRequest(
                "error decoding patch: json: cannot unmarshal into Go value of type map[string]interface {}"
            )
        }
        if resource.subresource == "scale" {
            let current = try cluster.read { (store: borrowing ObjectStore) throws(APIError) -> StoredObject in
                try existing(resource, in: store)
            }
            let scale = try Self.patched(Scale.from(current.value, type: type), with: document, kind: kind)
            return try writeScale(resource, scale: scale, precondition: Self.resourceVersion(of: scale))
        }
        let subresource = resource.subresource
        let name = resource.name ?? ""
        let namespace = resource.namespace
        let stored = try cluster.transaction { (store: inout ObjectStore, now: Date) throws(APIError) -> StoredObject in
            let currentObject = store.get(kind: type.storageKind, namespace: namespace ?? "", name: name)
            guard let current = currentObject else {
                guard kind == .apply else { throw APIError.notFound(type, name: name) }
                var object = document
                if type.namespaced { object.setValue(.string(namespace ?? ""), at: ["metadata", "namespace"]) }
                if type.isView { object = EventConversion.toCore(object) }
                ObjectDefaults.apply(&object, type: type)
                return try store.create(object, type: Self.storageType(type), now: now)
            }
            let currentValue = type.isView ? EventConversion.toView(current.value) : current.value
            var patchedValue = try Self.patched(currentValue, with: document, kind: kind)
            if type.isView { patchedValue = EventConversion.toCore(patchedValue) }
            if let precondition = try Self.resourceVersion(of: patchedValue), precondition != current.resourceVersion {
                throw APIError.conflict(type, name: name)
            }
            if patchedValue[path: ["metadata", "name"]]?.stringValue != name {
                throw APIError.badRequest("metadata.name: Invalid value: the name of a patched object cannot change")
            }
            if type.namespaced, patchedValue[path: ["metadata", "namespace"]]?.stringValue != (namespace ?? "") {
                throw APIError.badRequest(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            }
            let uid = patchedValue[path: ["metadata", "uid"]]?.stringValue
            let merged = Self.applyStrategy(
                proposed: patchedValue,
                current: current.value,
                type: type,
                subresource: subresource
            )
            return try store.update(
                merged,
                type: Self.storageType(type),
                preconditions: WritePreconditions(uid: uid),
                now: now
            )
        }
        return FullResponse(
            status: 200,
            contentType: "application/json",
            body: ObjectEncoding(type: type).bytes(stored)
        )
    }

    static func patched(_ current: JSONValue, with document: JSONValue, kind: PatchKind) throws(APIError) -> JSONValue {
        switch kind {
        case .merge:
            return Patch.merge(current, document)
        case .strategic, .apply:
            return try Patch.strategicMerge(current, document) ?? .object([:])
        case .json:
            return try Patch.jsonPatch(current, document)
        }
    }

    /// Writes a Scale object's `spec.replicas` into the workload and answers with the new Scale.
    private func writeScale(
        _ resource: ResourceRequest,
        scale: JSONValue,
        precondition: Int64?
    ) throws(APIError)
        -> FullResponse
    {
        let type = resource.type
        guard let replicas = scale[path: ["spec", "replicas"]]?.intValue, replicas >= 0 else {
            throw APIError.invalid(
                type,
                name: resource.name ?? "",
                field: "spec.replicas",
                causeReason: "FieldValueInvalid",
                detail: "must be greater than or equal to 0"
            )
        }
        let stored = try cluster.transaction { (store: inout ObjectStore, now: Date) throws(APIError) -> StoredObject in
            let current = try existing(resource, in: store)
            var value = current.value
            value.setValue(.int(replicas), at: ["spec", "replicas"])
            return try store.update(
                value,
                type: type,
                preconditions: WritePreconditions(resourceVersion: precondition),
                now: now
            )
        }
        return .json(200, Scale.from(stored.value, type: type))
    }

    // MARK: delete

    func delete(
        _ resource: ResourceRequest,
        request: APIRequest,
        query: QueryParameters
    ) throws(APIError)
        -> FullResponse
    {
        let type = resource.type
        guard resource.subresource == nil else { throw APIError.methodNotSupported }
        let options = try Self.deleteOptions(request)
        let policyText = query["propagationPolicy"] ?? options["propagationPolicy"]?.stringValue ?? "Background"
        guard let policy = PropagationPolicy(rawValue: policyText) else {
            throw APIError.badRequest("propagationPolicy: Unsupported value: \"\(policyText)\"")
        }
        let preconditions = WritePreconditions(
            resourceVersion: options[path: ["preconditions", "resourceVersion"]]?.stringValue.flatMap { Int64($0) },
            uid: options[path: ["preconditions", "uid"]]?.stringValue
        )
        let gracePeriod = try Self.gracePeriod(query: query, options: options)
        let name = resource.name ?? ""
        let namespace = resource.namespace ?? ""
        let (before, after) = try cluster.transaction {
            (store: inout ObjectStore, now: Date) throws(APIError) -> (StoredObject, StoredObject?) in
            let current = try existing(resource, in: store)
            if let version = preconditions.resourceVersion, version != current.resourceVersion {
                throw APIError.conflict(type, name: name)
            }
            if let uid = preconditions.uid, uid != current.uid {
                throw APIError(
                    code: 409,
                    reason: "Conflict",
                    message: "Operation cannot be fulfilled on \(type.qualifiedName) \"\(name)\": Precondition "
                        + "failed: UID in precondition: \(uid), UID in object meta: \(current.uid)",
                    details: APIError.details(type, name: name)
                )
            }
            if type.storageKind == "Pod" {
                // Graceful deletion: the pod is marked and stays, terminating, until the behaviour model's
                // kubelet removes it; with no behaviour model the store removes it right after the mark.
                let marked = try store.deletePodGracefully(
                    namespace: namespace,
                    name: name,
                    gracePeriodSeconds: gracePeriod,
                    now: now
                )
                let stillThere = store.get(kind: type.storageKind, namespace: namespace, name: name)
                return (marked, stillThere)
            }
            if type.storageKind == "Namespace" {
                // The namespace is first marked, as the namespace controller sees it, then removed at once
                // with its contents: the store removes a marked object without finalizers after the mark.
                var value = current.value
                value.setValue(.string(ObjectStore.timestamp(now)), at: ["metadata", "deletionTimestamp"])
                value.setValue("Terminating", at: ["status", "phase"])
                let marked = try store.update(value, type: type, now: now)
                let stillThere = store.get(kind: type.storageKind, namespace: namespace, name: name)
                return (marked, stillThere)
            }
            let result = try store.delete(type: type, namespace: namespace, name: name, propagation: policy, now: now)
            let stillThere = store.get(kind: type.storageKind, namespace: namespace, name: name)
            return (result, stillThere)
        }
        if after != nil || ObjectDefaults.deleteReturnsObject(type) {
            return FullResponse(
                status: 200,
                contentType: "application/json",
                body: ObjectEncoding(type: type).bytes(after ?? before)
            )
        }
        var details = APIError.details(type, name: name).objectValue ?? [:]
        details["uid"] = .string(before.uid)
        return .json(
            200,
            ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success", "details": .object(details)]
        )
    }

    /// The DeleteOptions a DELETE request carries in its body (empty when it has none).
    static func deleteOptions(_ request: APIRequest) throws(APIError) -> JSONValue {
        guard !request.body.isEmpty else { return .object([:]) }
        do throws(JSONParseError) {
            return try JSONValue.parse(request.body)
        } catch {
            throw APIError.badRequest("couldn't get version/kind; json parse error: \(error.problem)")
        }
    }

    /// `gracePeriodSeconds` from the query or the DeleteOptions body (the query wins, as in the API server).
    static func gracePeriod(query: QueryParameters, options: JSONValue) throws(APIError) -> Int64? {
        if let text = query["gracePeriodSeconds"] {
            guard let value = Int64(text) else {
                throw APIError.badRequest("gracePeriodSeconds: Invalid value: \"\(text)\": must be an integer")
            }
            return value
        }
        return options["gracePeriodSeconds"]?.intValue
    }

    func deleteCollection(
        _ resource: ResourceRequest,
        request: APIRequest,
        query: QueryParameters
    ) throws(APIError) -> FullResponse {
        let type = resource.type
        let gracePeriod = try Self.gracePeriod(query: query, options: try Self.deleteOptions(request))
        let filter = try filter(resource, query: query)
        let namespace = type.namespaced ? resource.namespace : nil
        let deleted = try cluster.transaction {
            (store: inout ObjectStore, now: Date) throws(APIError) -> [StoredObject] in
            let victims = store.list(kind: type.storageKind, namespace: namespace).filter(filter.matches)
            var deleted: [StoredObject] = []
            for victim in victims {
                if type.storageKind == "Pod" {
                    deleted.append(
                        try store.deletePodGracefully(
                            namespace: victim.namespace,
                            name: victim.name,
                            gracePeriodSeconds: gracePeriod,
                            now: now
                        )
                    )
                } else {
                    deleted.append(
                        try store.delete(type: type, namespace: victim.namespace, name: victim.name, now: now)
                    )
                }
            }
            return deleted
        }
        return FullResponse(
            status: 200,
            contentType: "application/json",
            body: ObjectEncoding(type: type).listBytes(
                deleted,
                metadata: ["resourceVersion": .string(String(cluster.resourceVersion))]
            )
        )
    }
}

/// The `autoscaling/v1` Scale subresource of workloads.
enum Scale {
    /// The Scale view of a Deployment, ReplicaSet or StatefulSet.
    static func from(_ object: JSONValue, type: ResourceType) -> JSONValue {
        let metadata = object["metadata"]?.objectValue ?? [:]
        var scaleMetadata: [String: JSONValue] = [:]
        for key in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] {
            scaleMetadata[key] = metadata[key]
        }
        return [
            "kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": .object(scaleMetadata),
            "spec": ["replicas": .int(object[path: ["spec", "replicas"]]?.intValue ?? 0)],
            "status": [
                "replicas": .int(object[path: ["status", "replicas"]]?.intValue ?? 0),
                "selector": .string(LabelSelector(object: object[path: ["spec", "selector"]]).description),
            ],
        ]
    }
}
