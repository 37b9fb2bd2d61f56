import Foundation

/// One Deployment sync's working state: the Deployment being edited and the ReplicaSets it owns.
struct DeploymentSync {
    var key: ObjectKey
    var deployment: JSONValue
    /// The Deployment's status when the sync began, which progress is measured against.
    let previousStatus: DeploymentStatusView
    let spec: DeploymentSpecView
    var status: DeploymentStatusView
    var replicaSets: [ReplicaSetView]
    var generation: Int64

    func view(_ key: ObjectKey?) -> ReplicaSetView? {
        guard let key else { return nil }
        return replicaSets.first { $0.key == key }
    }
}

/// The Deployment controller (`pkg/controller/deployment`): revisions, rolling updates, Recreate,
/// proportional scaling, pausing, history cleanup and the Progressing/Available/ReplicaFailure conditions.
///
/// Each sync does what one upstream sync does and stops after an action (scaling one ReplicaSet up,
/// or old ones down), then syncs again: the order of writes a watcher sees is the order a real
/// cluster produces.
extension ControlPlane {
    mutating func syncDeployment(_ key: ObjectKey, _ workspace: inout Workspace, queue: inout WorkQueue) {
        guard let deployment = workspace.get(key) else { return }
        guard let uid = deployment.metaUID else {
            carry.insert(key)
            return
        }
        keyOfUID[uid] = key
        if unmanagedUIDs.contains(uid) { return }
        let owned = (replicaSetsByOwner[uid] ?? []).sorted().compactMap { rsKey -> ReplicaSetView? in
            guard let object = workspace.get(rsKey), !object.isTerminating else { return nil }
            return ReplicaSetView(key: rsKey, object: object)
        }
        let previous = DeploymentStatusView(deployment["status"])
        var sync = DeploymentSync(
            key: key,
            deployment: deployment,
            previousStatus: previous,
            spec: DeploymentSpecView(deployment),
            status: previous,
            replicaSets: owned,
            generation: workspace.predictedGeneration(key)
        )
        let now = workspace.now
        var acted = false
        if deployment.isTerminating {
            let newRS = syncRevision(&sync, create: false, &workspace)
            syncRolloutStatus(&sync, newRS: newRS, now: now)
        } else {
            checkPausedConditions(&sync, now: now)
            if sync.spec.paused || isScalingEvent(&sync, &workspace) {
                acted = scaleSync(&sync, &workspace)
            } else if sync.spec.isRollingUpdate {
                acted = rolloutRolling(&sync, &workspace)
            } else {
                acted = rolloutRecreate(&sync, &workspace)
            }
        }
        if sync.deployment["status"] != sync.status.json || sync.deployment != deployment {
            sync.deployment.set(["status"], sync.status.json)
        }
        if sync.deployment != deployment { workspace.put(sync.deployment, as: key) }
        if acted { queue.add(key) }
        for replicaSet in sync.replicaSets where workspace.get(replicaSet.key) != nil {
            if replicaSet.object != (workspace.stored(replicaSet.key) ?? .null) { queue.add(replicaSet.key) }
        }
        if settling.contains(key), isComplete(sync) { settling.remove(key) }
        requeueStuck(sync, now: now)
    }

    // MARK: Revisions and the new ReplicaSet

    /// `EqualIgnoreHash`: two pod templates are the same revision when they differ only in the hash label.
    func sameTemplate(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        lhs.setting(["metadata", "labels", DeploymentAnnotations.podTemplateHash], nil)
            == rhs.setting(["metadata", "labels", DeploymentAnnotations.podTemplateHash], nil)
    }

    /// Finds (or, when `create`, makes) the ReplicaSet of the current template and syncs revision numbers.
    mutating func syncRevision(_ sync: inout DeploymentSync, create: Bool, _ workspace: inout Workspace) -> ObjectKey? {
        let now = workspace.now
        let template = sync.spec.template
        let candidates = sync.replicaSets.sorted(by: ReplicaSetView.byCreation)
        let existing = candidates.first { sameTemplate($0.object[path: ["spec", "template"]] ?? .null, template) }
        let maxOldRevision = sync.replicaSets.filter { $0.key != existing?.key }.map(\.revision).max() ?? 0
        let newRevision = maxOldRevision + 1

        if var found = existing {
            var object = found.object
            if setNewReplicaSetAnnotations(
                &object,
                deployment: sync.deployment,
                spec: sync.spec,
                revision: newRevision,
                exists: true
            )
                || Int(object[path: ["spec", "minReadySeconds"]]?.intValue ?? 0) != sync.spec.minReadySeconds
            {
                object.set(
                    ["spec", "minReadySeconds"],
                    sync.spec.minReadySeconds == 0 ? nil : .integer(sync.spec.minReadySeconds)
                )
                found.object = object
                update(found, in: &sync, &workspace)
            }
            setDeploymentRevision(&sync.deployment, found.object.metaAnnotations[DeploymentAnnotations.revision])
            if sync.spec.progressDeadlineSeconds != nil && sync.status.condition("Progressing") == nil {
                sync.status.set(
                    DeploymentCondition(
                        type: "Progressing",
                        status: "True",
                        reason: "FoundNewReplicaSet",
                        message: "Found new replica set \"\(found.name)\"",
                        now: now
                    )
                )
            }
            return found.key
        }
        guard create, let deploymentUID = sync.deployment.metaUID else { return nil }

        let hash = Naming.templateHash(template, collisionCount: sync.status.collisionCount)
        let name = "\(sync.key.name)-\(hash)"
        let rsKey = ObjectKey(kind: "ReplicaSet", namespace: sync.key.namespace, name: name)
        if let clash = workspace.get(rsKey) {
            // `collisionCount`: another template already owns this name; a new count gives a new hash.
            if clash.controllerReference?.uid == deploymentUID,
                sameTemplate(clash[path: ["spec", "template"]] ?? .null, template)
            {
                return rsKey
            }
            sync.status.collisionCount = (sync.status.collisionCount ?? 0) + 1
            return nil
        }
        var podLabels = template[path: ["metadata", "labels"]]?.stringDictionary ?? [:]
        podLabels[DeploymentAnnotations.podTemplateHash] = hash
        let selector = sync.spec.selector.setting(
            ["matchLabels", DeploymentAnnotations.podTemplateHash],
            .string(hash)
        )
        var object: JSONValue = [
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": [
                "name": .string(name),
                "namespace": .string(sync.key.namespace ?? "default"),
                "labels": .strings(podLabels),
                "ownerReferences": [
                    [
                        "apiVersion": "apps/v1", "kind": "Deployment", "name": .string(sync.key.name),
                        "uid": .string(deploymentUID), "controller": true, "blockOwnerDeletion": true,
                    ]
                ],
            ],
            "spec": .compact([
                "replicas": 0,
                "minReadySeconds": sync.spec.minReadySeconds == 0 ? nil : .integer(sync.spec.minReadySeconds),
                "selector": selector,
                "template": template.setting(["metadata", "labels"], .strings(podLabels)),
            ]),
            "status": ["replicas": 0],
        ]
        if settling.contains(sync.key) {
            object.set(["metadata", "creationTimestamp"], .string(KubeTimestamp.seconds(settledSince)))
        }
        var view = ReplicaSetView(key: rsKey, object: object)
        sync.replicaSets.append(view)
        let replicas = newReplicaSetReplicas(sync, newRS: view)
        object.set(["spec", "replicas"], .integer(replicas))
        _ = setNewReplicaSetAnnotations(
            &object,
            deployment: sync.deployment,
            spec: sync.spec,
            revision: newRevision,
            exists: false
        )
        view.object = object
        sync.replicaSets[sync.replicaSets.count - 1] = view
        workspace.put(object, as: rsKey)
        replicaSetsByOwner[deploymentUID, default: []].insert(rsKey)
        carry.insert(rsKey)
        if replicas > 0 {
            recordScaling(sync, "Scaled up replica set \(name) from 0 to \(replicas)", &workspace)
        }
        setDeploymentRevision(&sync.deployment, String(newRevision))
        if sync.spec.progressDeadlineSeconds != nil {
            sync.status.set(
                DeploymentCondition(
                    type: "Progressing",
                    status: "True",
                    reason: "NewReplicaSetCreated",
                    message: "Created new replica set \"\(name)\"",
                    now: now
                )
            )
        }
        return rsKey
    }

    /// `SetNewReplicaSetAnnotations`: copies the Deployment's annotations, raises the revision (keeping
    /// the old one in `revision-history` when an old template comes back), and sets the replica annotations.
    func setNewReplicaSetAnnotations(
        _ replicaSet: inout JSONValue,
        deployment: JSONValue,
        spec: DeploymentSpecView,
        revision: Int64,
        exists: Bool
    ) -> Bool {
        var annotations = replicaSet.metaAnnotations
        let before = annotations
        for (name, value) in deployment.metaAnnotations where !DeploymentAnnotations.notCopied.contains(name) {
            annotations[name] = value
        }
        let oldRevisionText = annotations[DeploymentAnnotations.revision]
        let oldRevision = oldRevisionText.flatMap { Int64($0) } ?? 0
        if oldRevision < revision {
            annotations[DeploymentAnnotations.revision] = String(revision)
            if let oldRevisionText, !oldRevisionText.isEmpty {
                let history = annotations[DeploymentAnnotations.revisionHistory] ?? ""
                annotations[DeploymentAnnotations.revisionHistory] =
                    history.isEmpty ? oldRevisionText : history + "," + oldRevisionText
            }
        }
        if !exists {
            annotations[DeploymentAnnotations.desiredReplicas] = String(spec.replicas)
            annotations[DeploymentAnnotations.maxReplicas] = String(spec.replicas + spec.maxSurge)
        }
        guard annotations != before else { return false }
        replicaSet.set(["metadata", "annotations"], .strings(annotations))
        return true
    }

    func setDeploymentRevision(_ deployment: inout JSONValue, _ revision: String?) {
        guard let revision, deployment.metaAnnotations[DeploymentAnnotations.revision] != revision else { return }
        deployment.set(["metadata", "annotations", DeploymentAnnotations.revision], .string(revision))
    }

    /// `NewRSNewReplicas`: how big the new ReplicaSet may be now.
    func newReplicaSetReplicas(_ sync: DeploymentSync, newRS: ReplicaSetView) -> Int {
        guard sync.spec.isRollingUpdate else { return sync.spec.replicas }
        let current = sync.replicaSets.reduce(0) { $0 + $1.specReplicas }
        let maxTotal = sync.spec.replicas + sync.spec.maxSurge
        if current >= maxTotal { return newRS.specReplicas }
        let scaleUp = min(maxTotal - current, sync.spec.replicas - newRS.specReplicas)
        return newRS.specReplicas + max(0, scaleUp)
    }

    // MARK: Scaling

    mutating func update(_ view: ReplicaSetView, in sync: inout DeploymentSync, _ workspace: inout Workspace) {
        workspace.put(view.object, as: view.key)
        if let index = sync.replicaSets.firstIndex(where: { $0.key == view.key }) {
            sync.replicaSets[index] = view
        }
    }

    /// `scaleReplicaSetAndRecordEvent`: sets the size and replica annotations, records ScalingReplicaSet.
    @discardableResult
    mutating func scale(
        _ key: ObjectKey,
        to size: Int,
        _ sync: inout DeploymentSync,
        _ workspace: inout Workspace
    ) -> Bool {
        guard var view = sync.view(key) else { return false }
        let from = view.specReplicas
        var object = view.object
        var annotations = object.metaAnnotations
        annotations[DeploymentAnnotations.desiredReplicas] = String(sync.spec.replicas)
        annotations[DeploymentAnnotations.maxReplicas] = String(sync.spec.replicas + sync.spec.maxSurge)
        let annotationsChanged = annotations != object.metaAnnotations
        guard from != size || annotationsChanged else { return false }
        object.set(["metadata", "annotations"], .strings(annotations))
        object.set(["spec", "replicas"], .integer(size))
        view.object = object
        update(view, in: &sync, &workspace)
        guard from != size else { return false }
        let direction = size > from ? "up" : "down"
        recordScaling(sync, "Scaled \(direction) replica set \(key.name) from \(from) to \(size)", &workspace)
        return true
    }

    mutating func recordScaling(_ sync: DeploymentSync, _ message: String, _ workspace: inout Workspace) {
        recorder.record(
            about: sync.deployment,
            type: "Normal",
            reason: "ScalingReplicaSet",
            message: message,
            source: .controller("deployment-controller"),
            at: workspace.now,
            into: &workspace
        )
    }

    /// `isScalingEvent`: an active ReplicaSet was sized for a different replica count.
    mutating func isScalingEvent(_ sync: inout DeploymentSync, _ workspace: inout Workspace) -> Bool {
        _ = syncRevision(&sync, create: false, &workspace)
        for view in sync.replicaSets where view.specReplicas > 0 {
            if let desired = view.annotation(DeploymentAnnotations.desiredReplicas), desired != sync.spec.replicas {
                return true
            }
        }
        return false
    }

    /// `sync`: scaling without a rollout (paused, or `kubectl scale`), proportionally across ReplicaSets.
    mutating func scaleSync(_ sync: inout DeploymentSync, _ workspace: inout Workspace) -> Bool {
        let newRS = syncRevision(&sync, create: false, &workspace)
        var acted = false
        let active = sync.replicaSets.filter { $0.specReplicas > 0 }
        let newView = sync.view(newRS)
        if active.count <= 1 {
            let target = active.first ?? newView ?? sync.replicaSets.sorted(by: ReplicaSetView.byCreation).last
            if let target, target.specReplicas != sync.spec.replicas {
                acted = scale(target.key, to: sync.spec.replicas, &sync, &workspace)
            }
        } else if let newView, newView.specReplicas == sync.spec.replicas,
            newView.annotation(DeploymentAnnotations.desiredReplicas) == sync.spec.replicas,
            newView.availableReplicas == sync.spec.replicas
        {
            for view in sync.replicaSets where view.key != newView.key && view.specReplicas > 0 {
                acted = scale(view.key, to: 0, &sync, &workspace) || acted
            }
        } else if sync.spec.isRollingUpdate {
            acted = scaleProportionally(&sync, &workspace)
        }
        if sync.spec.paused { cleanupHistory(&sync, newRS: newRS, &workspace) }
        // `syncDeploymentStatus`: counts and Available only; Progressing is left as it is (DeploymentPaused).
        sync.status = calculateStatus(sync, newRS: newRS, now: workspace.now)
        return acted
    }

    /// Spreads a replica change over the active ReplicaSets in proportion to their sizes, as upstream does
    /// in the middle of a rollout; the remainder goes to the largest.
    mutating func scaleProportionally(_ sync: inout DeploymentSync, _ workspace: inout Workspace) -> Bool {
        let active = sync.replicaSets.filter { $0.specReplicas > 0 }
        let current = active.reduce(0) { $0 + $1.specReplicas }
        let allowed = sync.spec.replicas > 0 ? sync.spec.replicas + sync.spec.maxSurge : 0
        let toAdd = allowed - current
        guard toAdd != 0 else { return false }
        // Largest first; among equals the newest first when growing, the oldest first when shrinking.
        let ordered = active.sorted { lhs, rhs in
            if lhs.specReplicas != rhs.specReplicas { return lhs.specReplicas > rhs.specReplicas }
            return toAdd > 0 ? ReplicaSetView.byCreation(rhs, lhs) : ReplicaSetView.byCreation(lhs, rhs)
        }
        var added = 0
        var sizes: [ObjectKey: Int] = [:]
        for view in ordered {
            var proportion = 0
            if toAdd != added {
                let fraction: Int
                if sync.spec.replicas == 0 {
                    fraction = -view.specReplicas
                } else {
                    let annotated = view.annotation(DeploymentAnnotations.maxReplicas) ?? sync.previousStatus.replicas
                    let target =
                        Double(view.specReplicas * (sync.spec.replicas + sync.spec.maxSurge))
                        / Double(max(annotated, 1))
                    fraction = Int(target.rounded()) - view.specReplicas
                }
                let remaining = toAdd - added
                proportion = toAdd > 0 ? min(fraction, remaining) : max(fraction, remaining)
            }
            sizes[view.key] = view.specReplicas + proportion
            added += proportion
        }
        if let first = ordered.first, added != toAdd {
            sizes[first.key, default: first.specReplicas] += toAdd - added
        }
        var acted = false
        for view in ordered {
            acted = scale(view.key, to: max(0, sizes[view.key] ?? view.specReplicas), &sync, &workspace) || acted
        }
        return acted
    }

    // MARK: Rollouts

    mutating func rolloutRolling(_ sync: inout DeploymentSync, _ workspace: inout Workspace) -> Bool {
        guard let newRS = syncRevision(&sync, create: true, &workspace), let newView = sync.view(newRS) else {
            syncRolloutStatus(&sync, newRS: nil, now: workspace.now)
            return false
        }
        // Scale up the new ReplicaSet as far as maxSurge allows.
        if newView.specReplicas != sync.spec.replicas {
            let target =
                newView.specReplicas > sync.spec.replicas
                ? sync.spec.replicas : newReplicaSetReplicas(sync, newRS: newView)
            if scale(newRS, to: target, &sync, &workspace) {
                syncRolloutStatus(&sync, newRS: newRS, now: workspace.now)
                return true
            }
        }
        if reconcileOldReplicaSets(&sync, newRS: newRS, &workspace) {
            syncRolloutStatus(&sync, newRS: newRS, now: workspace.now)
            return true
        }
        if isComplete(sync, newRS: newRS) { cleanupHistory(&sync, newRS: newRS, &workspace) }
        syncRolloutStatus(&sync, newRS: newRS, now: workspace.now)
        return false
    }

    /// `reconcileOldReplicaSets`: scales old ReplicaSets down while at least `replicas - maxUnavailable`
    /// pods stay available, first removing old pods that are not available anyway.
    mutating func reconcileOldReplicaSets(
        _ sync: inout DeploymentSync,
        newRS: ObjectKey,
        _ workspace: inout Workspace
    )
        -> Bool
    {
        let old = sync.replicaSets.filter { $0.key != newRS }
        let oldPods = old.reduce(0) { $0 + $1.specReplicas }
        guard oldPods > 0, let newView = sync.view(newRS) else { return false }
        let allPods = sync.replicaSets.reduce(0) { $0 + $1.specReplicas }
        let minAvailable = sync.spec.replicas - sync.spec.maxUnavailable
        let newUnavailable = newView.specReplicas - newView.availableReplicas
        var maxScaledDown = allPods - minAvailable - newUnavailable
        guard maxScaledDown > 0 else { return false }

        var scaled = false
        // cleanupUnhealthyReplicas: old pods that are not available cost nothing to remove.
        var cleaned = 0
        for view in old.filter({ $0.specReplicas > 0 }).sorted(by: ReplicaSetView.byCreation) {
            guard cleaned < maxScaledDown else { break }
            let unhealthy = view.specReplicas - view.availableReplicas
            guard unhealthy > 0 else { continue }
            let count = min(maxScaledDown - cleaned, unhealthy)
            if scale(view.key, to: view.specReplicas - count, &sync, &workspace) { scaled = true }
            cleaned += count
        }
        maxScaledDown -= cleaned

        // scaleDownOldReplicaSetsForRollingUpdate: only as far as availability allows.
        let available = sync.replicaSets.reduce(0) { $0 + $1.availableReplicas }
        if available > minAvailable {
            let total = available - minAvailable
            var done = 0
            for view in sync.replicaSets.filter({ $0.key != newRS && $0.specReplicas > 0 }).sorted(
                by: ReplicaSetView.byCreation
            ) {
                guard done < total else { break }
                let count = min(view.specReplicas, total - done)
                if scale(view.key, to: view.specReplicas - count, &sync, &workspace) { scaled = true }
                done += count
            }
        }
        return scaled
    }

    mutating func rolloutRecreate(_ sync: inout DeploymentSync, _ workspace: inout Workspace) -> Bool {
        var newRS = syncRevision(&sync, create: false, &workspace)
        var scaledDown = false
        for view in sync.replicaSets where view.key != newRS && view.specReplicas > 0 {
            scaledDown = scale(view.key, to: 0, &sync, &workspace) || scaledDown
        }
        if scaledDown {
            syncRolloutStatus(&sync, newRS: newRS, now: workspace.now)
            return true
        }
        if oldPodsRunning(sync, newRS: newRS, workspace: workspace) {
            syncRolloutStatus(&sync, newRS: newRS, now: workspace.now)
            return false
        }
        if newRS == nil { newRS = syncRevision(&sync, create: true, &workspace) }
        var acted = false
        if let newRS, let view = sync.view(newRS), view.specReplicas != sync.spec.replicas {
            acted = scale(newRS, to: sync.spec.replicas, &sync, &workspace)
        }
        if isComplete(sync, newRS: newRS) { cleanupHistory(&sync, newRS: newRS, &workspace) }
        syncRolloutStatus(&sync, newRS: newRS, now: workspace.now)
        return acted
    }

    /// Whether any pod of an old ReplicaSet still exists in a non-terminal phase (terminating included).
    func oldPodsRunning(_ sync: DeploymentSync, newRS: ObjectKey?, workspace: Workspace) -> Bool {
        let old = sync.replicaSets.filter { $0.key != newRS }
        if old.reduce(0, { $0 + $1.statusReplicas }) > 0 { return true }
        for view in old {
            guard let uid = view.uid else { continue }
            for podKey in podsByOwner[uid] ?? [] {
                guard let pod = workspace.get(podKey) else { continue }
                let phase = pod[path: ["status", "phase"]]?.stringValue
                if phase != "Failed" && phase != "Succeeded" { return true }
            }
        }
        return false
    }

    /// `cleanupDeployment`: deletes the oldest empty ReplicaSets beyond `revisionHistoryLimit`.
    mutating func cleanupHistory(_ sync: inout DeploymentSync, newRS: ObjectKey?, _ workspace: inout Workspace) {
        let old = sync.replicaSets.filter { $0.key != newRS }
        let excess = old.count - sync.spec.revisionHistoryLimit
        guard excess > 0 else { return }
        let ordered = old.sorted { lhs, rhs in
            lhs.revision == rhs.revision ? ReplicaSetView.byCreation(lhs, rhs) : lhs.revision < rhs.revision
        }
        for view in ordered.prefix(excess) {
            guard view.statusReplicas == 0, view.specReplicas == 0,
                view.object.metaGeneration <= view.observedGeneration, view.uid != nil
            else { continue }
            workspace.remove(view.key)
            sync.replicaSets.removeAll { $0.key == view.key }
            if let uid = view.uid, let deploymentUID = sync.deployment.metaUID {
                replicaSetsByOwner[deploymentUID]?.remove(view.key)
                replicaSets[view.key] = nil
                keyOfUID[uid] = nil
                recorder.forget(uid: uid)
            }
        }
    }

    // MARK: Status and conditions

    /// `checkPausedConditions`: Progressing Unknown while paused (DeploymentPaused), and on resume
    /// (DeploymentResumed), unless the deadline already passed.
    func checkPausedConditions(_ sync: inout DeploymentSync, now: Date) {
        guard sync.spec.progressDeadlineSeconds != nil else { return }
        let condition = sync.status.condition("Progressing")
        if condition?.reason == "ProgressDeadlineExceeded" { return }
        let pausedCondition = condition?.reason == "DeploymentPaused"
        if sync.spec.paused && !pausedCondition {
            sync.status.set(
                DeploymentCondition(
                    type: "Progressing",
                    status: "Unknown",
                    reason: "DeploymentPaused",
                    message: "Deployment is paused",
                    now: now
                )
            )
        } else if !sync.spec.paused && pausedCondition {
            sync.status.set(
                DeploymentCondition(
                    type: "Progressing",
                    status: "Unknown",
                    reason: "DeploymentResumed",
                    message: "Deployment is resumed",
                    now: now
                )
            )
        }
    }

    /// `calculateStatus`: counts over all ReplicaSets, the new one's for `updatedReplicas`, and Available.
    func calculateStatus(_ sync: DeploymentSync, newRS: ObjectKey?, now: Date) -> DeploymentStatusView {
        var status = DeploymentStatusView()
        let all = sync.replicaSets
        let available = all.reduce(0) { $0 + $1.availableReplicas }
        let total = all.reduce(0) { $0 + $1.specReplicas }
        status.observedGeneration = sync.generation
        status.replicas = all.reduce(0) { $0 + $1.statusReplicas }
        status.updatedReplicas = sync.view(newRS)?.statusReplicas ?? 0
        status.readyReplicas = all.reduce(0) { $0 + $1.readyReplicas }
        status.availableReplicas = available
        status.unavailableReplicas = max(0, total - available)
        status.terminatingReplicas = all.reduce(0) { $0 + $1.terminatingReplicas }
        status.collisionCount = sync.status.collisionCount
        status.conditions = sync.status.conditions
        if available >= sync.spec.replicas - sync.spec.maxUnavailable {
            status.set(
                DeploymentCondition(
                    type: "Available",
                    status: "True",
                    reason: "MinimumReplicasAvailable",
                    message: "Deployment has minimum availability.",
                    now: now
                )
            )
        } else {
            status.set(
                DeploymentCondition(
                    type: "Available",
                    status: "False",
                    reason: "MinimumReplicasUnavailable",
                    message: "Deployment does not have minimum availability.",
                    now: now
                )
            )
        }
        return status
    }

    func isComplete(_ sync: DeploymentSync, newRS: ObjectKey? = nil) -> Bool {
        let status = calculateStatus(sync, newRS: newRS ?? newReplicaSetKey(sync), now: .distantPast)
        return deploymentComplete(sync, status)
    }

    func newReplicaSetKey(_ sync: DeploymentSync) -> ObjectKey? {
        sync.replicaSets.sorted(by: ReplicaSetView.byCreation)
            .first { sameTemplate($0.object[path: ["spec", "template"]] ?? .null, sync.spec.template) }?.key
    }

    /// `DeploymentComplete`: every replica updated and available, nothing old left, the generation observed.
    func deploymentComplete(_ sync: DeploymentSync, _ status: DeploymentStatusView) -> Bool {
        let replicas = sync.spec.replicas
        return status.updatedReplicas == replicas && status.replicas == replicas
            && status.availableReplicas == replicas && status.observedGeneration >= sync.generation
    }

    /// `DeploymentProgressing`: more updated, fewer old, more ready or more available pods than before.
    func deploymentProgressing(_ sync: DeploymentSync, _ status: DeploymentStatusView) -> Bool {
        let old = sync.previousStatus
        return status.updatedReplicas > old.updatedReplicas
            || status.replicas - status.updatedReplicas < old.replicas - old.updatedReplicas
            || status.readyReplicas > old.readyReplicas || status.availableReplicas > old.availableReplicas
    }

    /// `DeploymentTimedOut`: the Progressing condition was last updated more than the deadline ago.
    func deploymentTimedOut(_ sync: DeploymentSync, _ status: DeploymentStatusView, now: Date) -> Bool {
        guard let deadline = sync.spec.progressDeadlineSeconds, let condition = status.condition("Progressing") else {
            return false
        }
        if condition.reason == "NewReplicaSetAvailable" { return false }
        if condition.reason == "ProgressDeadlineExceeded" { return true }
        guard let from = KubeTimestamp.parse(condition.lastUpdateTime) else { return false }
        return from + Double(deadline) < now
    }

    /// `syncRolloutStatus`: the new status with Progressing and ReplicaFailure brought up to date.
    func syncRolloutStatus(_ sync: inout DeploymentSync, newRS: ObjectKey?, now: Date) {
        var status = calculateStatus(sync, newRS: newRS, now: now)
        if sync.spec.progressDeadlineSeconds == nil { status.remove("Progressing") }
        let current = sync.status.condition("Progressing")
        let completeBefore =
            status.replicas == status.updatedReplicas && current?.reason == "NewReplicaSetAvailable"
        let newName = sync.view(newRS)?.name
        if sync.spec.progressDeadlineSeconds != nil && !completeBefore {
            if deploymentComplete(sync, status) {
                let message =
                    newName.map { "ReplicaSet \"\($0)\" has successfully progressed." }
                    ?? "Deployment \"\(sync.key.name)\" has successfully progressed."
                status.set(
                    DeploymentCondition(
                        type: "Progressing",
                        status: "True",
                        reason: "NewReplicaSetAvailable",
                        message: message,
                        now: now
                    )
                )
            } else if deploymentProgressing(sync, status) {
                let message =
                    newName.map { "ReplicaSet \"\($0)\" is progressing." }
                    ?? "Deployment \"\(sync.key.name)\" is progressing."
                var condition = DeploymentCondition(
                    type: "Progressing",
                    status: "True",
                    reason: "ReplicaSetUpdated",
                    message: message,
                    now: now
                )
                if let current {
                    if current.status == "True" { condition.lastTransitionTime = current.lastTransitionTime }
                    status.remove("Progressing")
                }
                status.set(condition)
            } else if deploymentTimedOut(sync, status, now: now) {
                let message =
                    newName.map { "ReplicaSet \"\($0)\" has timed out progressing." }
                    ?? "Deployment \"\(sync.key.name)\" has timed out progressing."
                status.set(
                    DeploymentCondition(
                        type: "Progressing",
                        status: "False",
                        reason: "ProgressDeadlineExceeded",
                        message: message,
                        now: now
                    )
                )
            }
        }
        // ReplicaFailure: the new ReplicaSet's failure first, else any old one's.
        let ordered = (sync.view(newRS).map { [$0] } ?? []) + sync.replicaSets.filter { $0.key != newRS }
        let failure = ordered.lazy.compactMap { view in
            (view.object[path: ["status", "conditions"]]?.arrayValue ?? []).first {
                $0["type"]?.stringValue == "ReplicaFailure"
            }
        }.first
        if let failure {
            let time = failure["lastTransitionTime"]?.stringValue ?? KubeTimestamp.seconds(now)
            var condition = DeploymentCondition(
                type: "ReplicaFailure",
                status: failure["status"]?.stringValue ?? "True",
                reason: failure["reason"]?.stringValue ?? "FailedCreate",
                message: failure["message"]?.stringValue ?? "",
                now: now
            )
            condition.lastUpdateTime = time
            condition.lastTransitionTime = time
            status.set(condition)
        } else {
            status.remove("ReplicaFailure")
        }
        sync.status = status
    }

    /// `requeueStuckDeployment`: wakes the Deployment when its progress deadline would pass.
    ///
    /// The deadline is the Deployment's only timer, and progress moves it later, so it is set, not kept.
    mutating func requeueStuck(_ sync: DeploymentSync, now: Date) {
        guard let deadline = sync.spec.progressDeadlineSeconds, let condition = sync.status.condition("Progressing"),
            condition.reason != "ProgressDeadlineExceeded", condition.reason != "NewReplicaSetAvailable",
            !deploymentComplete(sync, sync.status), let from = KubeTimestamp.parse(condition.lastUpdateTime)
        else {
            timers[sync.key] = nil
            return
        }
        timers[sync.key] = max(now, from + Double(deadline) + 0.001)
    }
}
