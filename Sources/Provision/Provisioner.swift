import Contract
import Host

/// `provision`: plan from the host as it is, then (unless a dry run) apply the plan.
public struct Provisioner {
    public var contract: Contract
    public var root: String
    public var environmentFile: String?

    public init(contract: Contract, root: String = "/", environmentFile: String? = nil) {
        self.contract = contract
        self.root = root
        self.environmentFile = environmentFile
    }

    /// The plan, from the host as it is now.
    public func plan() throws(InspectionError) -> (plan: Planner.Plan, root: RootDirectory) {
        let (plan, root, _) = try planned()
        return (plan, root)
    }

    /// The plan, the root, and the planner that made it (which audits trees for a dry run).
    func planned() throws(InspectionError) -> (plan: Planner.Plan, root: RootDirectory, planner: Planner) {
        let (environment, _) = try Inspector(contract: contract, root: root, environmentFile: environmentFile).environment()
        let rootDirectory: RootDirectory
        do {
            rootDirectory = try RootDirectory(path: root)
        } catch {
            throw InspectionError.rootUnavailable(root, error.description)
        }
        let planner = Planner(contract: contract, environment: environment, host: LiveHost(root: rootDirectory))
        return (planner.plan(), rootDirectory, planner)
    }

    /// Plans, and applies unless `dryRun`.
    public func run(dryRun: Bool) throws(InspectionError) -> ProvisionOutcome {
        let (plan, rootDirectory, planner) = try planned()
        var actions = plan.actions
        var treeEntries = 0
        if dryRun {
            // A tree's plan is an audit of it: counts and first examples, never its entries.
            for tree in plan.trees {
                let (changes, entries) = planner.treeActions(tree)
                actions += changes
                treeEntries += entries
            }
        } else {
            let applier = Applier(root: rootDirectory)
            actions = applier.apply(plan)
            treeEntries = applier.treeEntries
        }
        var outcome = ProvisionOutcome(
            contract: contract.name, root: root, dryRun: dryRun, actions: actions, paths: plan.targets.count, notes: plan.notes)
        outcome.treeEntries = treeEntries
        return outcome
    }
}
