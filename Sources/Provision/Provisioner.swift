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
        let (environment, _) = try Inspector(contract: contract, root: root, environmentFile: environmentFile).environment()
        let rootDirectory: RootDirectory
        do {
            rootDirectory = try RootDirectory(path: root)
        } catch {
            throw InspectionError.rootUnavailable(root, error.description)
        }
        let planner = Planner(contract: contract, environment: environment, host: LiveHost(root: rootDirectory))
        return (planner.plan(), rootDirectory)
    }

    /// Plans, and applies unless `dryRun`.
    public func run(dryRun: Bool) throws(InspectionError) -> ProvisionOutcome {
        let (plan, rootDirectory) = try plan()
        let actions = dryRun ? plan.actions : Applier(root: rootDirectory).apply(plan)
        return ProvisionOutcome(
            contract: contract.name, root: root, dryRun: dryRun, actions: actions, paths: plan.targets.count, notes: plan.notes)
    }
}
