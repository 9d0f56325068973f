// A fake Graph API on loopback for the examples' smoke test: prints the URL it listens on and
// appends the body of every events request it receives, one JSON object per line, to the file
// named by its argument, until it is terminated.
//
//   FakeGraphServer received.jsonl     # then CAPI_GRAPH_URL=<printed URL> CAPI_ACCESS_TOKEN=x ShopServer
import FakeGraphAPI
import Foundation

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: FakeGraphServer <received.jsonl>\n".utf8))
    exit(2)
}
let output = URL(fileURLWithPath: CommandLine.arguments[1])
guard FileManager.default.createFile(atPath: output.path, contents: nil) else {
    FileHandle.standardError.write(Data("FakeGraphServer: cannot create \(output.path)\n".utf8))
    exit(73)
}
let file = try FileHandle(forWritingTo: output)
let server = try await FakeGraphAPI.start()
FileHandle.standardOutput.write(Data("FakeGraphServer listening on \(server.baseURL)\n".utf8))
var written = 0
while true {
    let requests = server.requests
    for request in requests.dropFirst(written) {
        // A JSON body has no raw line breaks inside its strings, so dropping them keeps it valid.
        file.write(Data((request.body.replacingOccurrences(of: "\n", with: " ") + "\n").utf8))
    }
    written = requests.count
    try await Task.sleep(for: .milliseconds(50))
}
