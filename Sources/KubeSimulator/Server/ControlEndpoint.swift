import Foundation

/// The test harness's HTTP endpoint under `/sim/`, a path real clients never use.
///
/// It needs no credentials (the simulator listens on loopback only) and is not counted in the statistics,
/// so a benchmark reading `/sim/stats` does not disturb what it measures.
///
/// - `GET /sim/stats`: the counters as JSON (requests by verb and resource and by User-Agent, responses by
///   code, watch streams, bytes), with the behaviour model's reconcile counts and timeliness and the latest
///   resourceVersion.
/// - `GET /sim/published?kind=Pod&namespace=N&name=X&signal=CrashLoopBackOff&afterResourceVersion=RV&limit=N`:
///   the publish journal, oldest first: when each matching change reached the watches, by wall clock
///   (`publishedAtNanos`, `CLOCK_REALTIME`, and `publishedAt`, RFC 3339 with microseconds); see
///   `JournalSignals` for the signals.
/// - `POST /sim/faults` with `{"action":"status","code":503,"retryAfterSeconds":1,"count":3,"verbs":["list"],
///   "resources":["pods"]}` (actions: `status`, `delay` with `milliseconds`, `drop`, `stall`); `GET` lists
///   the armed rules, `DELETE` disarms them.
/// - `POST /sim/watches/close`, `/sim/watches/drop`, `/sim/watches/stall`: act on every open watch stream.
/// - `POST /sim/history/expire`: the next resume from an earlier resourceVersion gets 410.
/// - `POST /sim/go-away?seconds=N`: stop listening and close everything, listen again after N seconds.
/// - `PUT /sim/tokens` with `{"tokens":["a","b"]}`: replace the accepted bearer tokens.
/// - `POST /sim/clock/advance?seconds=N`: move scenario time forward (only with a `ManualClock`).
struct ControlEndpoint {
    let simulator: KubeSimulator

    func handle(_ request: APIRequest) -> ControlResponse {
        let parts = request.path.split(separator: "/").dropFirst().map(String.init)
        do throws(APIError) {
            return try route(request, parts: parts)
        } catch {
            return ControlResponse(response: .error(error))
        }
    }

    private func ok(_ value: JSONValue = ["status": "ok"]) -> ControlResponse {
        ControlResponse(response: .json(200, value))
    }

    private func route(_ request: APIRequest, parts: [String]) throws(APIError) -> ControlResponse {
        switch (request.method, parts) {
        case ("GET", ["stats"]):
            var stats = simulator.statistics.json
            let reconcile = simulator.cluster.reconcileStatistics
            stats.setValue(
                [
                    "rounds": .int(Int64(reconcile.rounds)), "capHits": .int(Int64(reconcile.capHits)),
                    "rejectedWrites": .int(Int64(reconcile.rejectedWrites)),
                ],
                at: ["behaviour"]
            )
            let timeliness = simulator.cluster.timeliness
            stats.setValue(.double(timeliness.reconcileTime.seconds), at: ["behaviour", "reconcileSeconds"])
            stats.setValue(.double(timeliness.maxWakeLateness.seconds), at: ["behaviour", "maxWakeLatenessSeconds"])
            stats.setValue(.int(simulator.cluster.resourceVersion), at: ["resourceVersion"])
            return ok(stats)
        case ("GET", ["published"]):
            return ok(try published(request))
        case ("GET", ["faults"]):
            return ok(["armed": .int(Int64(simulator.faults.armed.count))])
        case ("POST", ["faults"]):
            simulator.inject(try Self.rule(from: try body(request)))
            return ok()
        case ("DELETE", ["faults"]):
            simulator.clearFaults()
            return ok()
        case ("POST", ["watches", "close"]):
            simulator.closeAllWatchStreams()
            return ok()
        case ("POST", ["watches", "drop"]):
            simulator.dropAllWatchStreams()
            return ok()
        case ("POST", ["watches", "stall"]):
            simulator.stallAllWatchStreams()
            return ok()
        case ("POST", ["history", "expire"]):
            simulator.expireHistory()
            return ok()
        case ("POST", ["go-away"]):
            let query = try QueryParameters(parsing: request.query)
            let milliseconds = Int64(((Double(query["seconds"] ?? "1") ?? 1) * 1000).rounded())
            let simulator = self.simulator
            let timer = simulator.server.timer
            return ControlResponse(
                response: .json(202, ["status": "going away"]),
                afterwards: { simulator.goAway(comingBackAfter: .milliseconds(milliseconds), timer: timer) }
            )
        case ("POST", ["clock", "advance"]):
            guard let clock = simulator.configuration.clock as? ManualClock else {
                throw APIError(
                    code: 409,
                    reason: "Conflict",
                    message: "scenario time follows the wall clock; start kube-sim with --manual-clock to advance it"
                )
            }
            let query = try QueryParameters(parsing: request.query)
            let seconds = Double(query["seconds"] ?? "") ?? 0
            guard seconds > 0 else { throw APIError.badRequest("advance needs seconds greater than 0") }
            clock.advance(by: .milliseconds(Int64((seconds * 1000).rounded())))
            return ok(["elapsedSeconds": .double(clock.now.offset.seconds)])
        case ("PUT", ["tokens"]), ("POST", ["tokens"]):
            let tokens = (try body(request))["tokens"]?.arrayValue?.compactMap(\.stringValue) ?? []
            simulator.setTokens(tokens)
            return ok()
        default:
            throw APIError.pathNotFound
        }
    }

    /// The publish journal's entries for a query.
    private func published(_ request: APIRequest) throws(APIError) -> JSONValue {
        let parameters = try QueryParameters(parsing: request.query)
        var query = PublishJournal.Query(
            kind: parameters["kind"],
            namespace: parameters["namespace"],
            name: parameters["name"],
            signal: parameters["signal"]
        )
        if let text = parameters["afterResourceVersion"] {
            guard let value = Int64(text) else { throw APIError.badRequest("afterResourceVersion must be an integer") }
            query.afterResourceVersion = value
        }
        if let text = parameters["limit"] {
            guard let value = Int(text), value > 0 else {
                throw APIError.badRequest("limit must be a positive integer")
            }
            query.limit = value
        }
        let found = simulator.cluster.published(matching: query)
        let entries: [JSONValue] = found.entries.map { entry in
            [
                "kind": .string(entry.kind), "namespace": .string(entry.namespace), "name": .string(entry.name),
                "resourceVersion": .string(String(entry.resourceVersion)), "type": .string(entry.type.rawValue),
                "publishedAtNanos": .int(entry.publishedAt),
                "publishedAt": .string(KubeTimestamp.micro(nanoseconds: entry.publishedAt)),
                "signals": .array(entry.signals.map { .string($0) }),
            ]
        }
        return [
            "entries": .array(entries),
            "oldestResourceVersion": found.oldest.map { .string(String($0)) } ?? .null,
            "dropped": .int(Int64(found.dropped)),
        ]
    }

    private func body(_ request: APIRequest) throws(APIError) -> JSONValue {
        do throws(JSONParseError) {
            return try JSONValue.parse(request.body)
        } catch {
            throw APIError.badRequest("invalid JSON: \(error)")
        }
    }

    /// A fault rule from its JSON form.
    static func rule(from value: JSONValue) throws(APIError) -> FaultRule {
        let action: FaultAction
        switch value["action"]?.stringValue {
        case "status":
            guard let code = value["code"]?.intValue, (400...599).contains(code) else {
                throw APIError.badRequest("a status fault needs a code between 400 and 599")
            }
            action = .status(code: Int(code), retryAfterSeconds: value["retryAfterSeconds"]?.intValue.map { Int($0) })
        case "delay":
            action = .delay(.milliseconds(value["milliseconds"]?.intValue ?? 1000))
        case "drop":
            action = .drop
        case "stall":
            action = .stall
        default:
            throw APIError.badRequest("unknown fault action; expected status, delay, drop or stall")
        }
        let verbs = value["verbs"]?.arrayValue.map { Set($0.compactMap(\.stringValue)) }
        let resources = value["resources"]?.arrayValue.map { Set($0.compactMap(\.stringValue)) }
        return FaultRule(action: action, count: Int(value["count"]?.intValue ?? 1), verbs: verbs, resources: resources)
    }
}

extension KubeSimulator {
    /// Goes away now and comes back after `delay` of network time (the HTTP endpoint's form of the fault).
    func goAway(comingBackAfter delay: Duration, timer: SimulationClock) {
        goAway()
        server.scheduleComeBack(at: timer.elapsed + delay)
    }
}
