import Contract
import Testing

/// The acl(5) algorithm on literal objects, one rule at a time.
@Suite struct AccessDecisionTests {
    let nginx = Principal(name: "nginx", userID: 991, groupIDs: [991, 990])
    let stranger = Principal(name: "eve", userID: 1500, groupIDs: [1500])
    let root = Principal(name: "root", userID: 0, groupIDs: [0])

    func node(_ mode: UInt32, owner: UInt32 = 990, group: UInt32 = 990, kind: PathFacts.Kind = .directory,
              acl: [AccessList.Entry]? = nil) -> AccessNode {
        AccessNode(path: "/x", facts: PathFacts(kind: kind, mode: FileMode(rawValue: mode), userID: owner, groupID: group),
                   list: acl.map { AccessList(entries: $0) })
    }

    func entry(_ tag: AccessList.Tag, _ letters: String) -> AccessList.Entry {
        AccessList.Entry(tag: tag, rights: AccessRights(letters: letters)!)
    }

    @Test func groupMembershipGrantsThroughTheGroupClass() {
        let decision = AccessDecision.decide(.read, for: nginx, on: node(0o750))
        #expect(decision.granted)
        #expect(decision.grant == .group)
    }

    @Test func otherDecidesForStrangers() {
        let decision = AccessDecision.decide(.read, for: stranger, on: node(0o750))
        #expect(!decision.granted)
        #expect(decision.decider == .other([]))
    }

    @Test func theOwnerEntryDecidesEvenWhenOthersCouldRead() {
        let owner = Principal(name: "svc", userID: 990, groupIDs: [990])
        let decision = AccessDecision.decide(.read, for: owner, on: node(0o077))
        #expect(!decision.granted)
        #expect(decision.grant == .owner)
    }

    @Test func aMatchingGroupWithoutTheRightDeniesEvenIfOtherHasIt() {
        #expect(!AccessDecision.decide(.read, for: nginx, on: node(0o704)).granted)
    }

    @Test func theMaskLimitsNamedEntries() {
        let acl = [entry(.owner, "rwx"), entry(.user(1500), "rwx"), entry(.owningGroup, "r-x"), entry(.mask, "r--"), entry(.other, "---")]
        let listed = node(0o740, acl: acl)
        #expect(AccessDecision.decide(.read, for: stranger, on: listed).granted)
        #expect(!AccessDecision.decide(.write, for: stranger, on: listed).granted)
        #expect(AccessDecision.decide(.write, for: stranger, on: listed).grant == .user)
    }

    @Test func anyMatchingGroupEntryMayGrant() {
        let acl = [entry(.owner, "rwx"), entry(.owningGroup, "---"), entry(.group(991), "r-x"), entry(.mask, "r-x"), entry(.other, "---")]
        #expect(AccessDecision.decide(.read, for: nginx, on: node(0o750, acl: acl)).granted)
    }

    @Test func anEmptyMaskMakesTheKernelUseTheModeBits() {
        // group:991 would deny, but with mask --- the kernel never reads the ACL: other decides.
        let acl = [entry(.owner, "---"), entry(.owningGroup, "rwx"), entry(.group(991), "---"), entry(.mask, "---"), entry(.other, "--x")]
        let decision = AccessDecision.decide(.execute, for: Principal(name: "n", userID: 991, groupIDs: [991]), on: node(0o001, group: 0, acl: acl))
        #expect(decision.granted)
        #expect(decision.extendedListIgnored)
    }

    @Test func rootPassesByCapabilityButNotToExecuteWithoutAnyExecuteBit() {
        #expect(AccessDecision.decide(.write, for: root, on: node(0o000, kind: .regular)).decider == .capability)
        #expect(!AccessDecision.decide(.execute, for: root, on: node(0o644, kind: .regular)).granted)
        #expect(AccessDecision.decide(.execute, for: root, on: node(0o001, kind: .regular)).granted)
        #expect(AccessDecision.decide(.execute, for: root, on: node(0o000)).granted)
    }
}
