import Delivery

/// The console's addresses under its mount path.
struct ConsoleLinks {
    let mountPath: String

    var overview: String { mountPath + "/" }
    var stylesheet: String { mountPath + "/console.css" }
    var script: String { mountPath + "/console.js" }
    var icon: String { mountPath + "/favicon.svg" }
    var login: String { mountPath + "/login" }
    var replayParked: String { mountPath + "/replay-parked" }

    func events(_ filter: ListFilter = ListFilter(), after cursor: EventRecordID? = nil) -> String {
        mountPath + "/events" + FormEncoding.query(filter.queryFields + [("after", cursor.map { String($0.rawValue) })])
    }

    func event(_ id: EventRecordID) -> String { mountPath + "/events/\(id.rawValue)" }
    func eventState(_ id: EventRecordID) -> String { mountPath + "/events/\(id.rawValue)/state" }
    func replay(_ id: EventRecordID) -> String { mountPath + "/events/\(id.rawValue)/replay" }
}
