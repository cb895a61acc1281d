import ArgumentParser
import AllotStore

/// `allot schema`: the JSON Schema of the event lines Allot reads.
struct EventSchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of event lines (the text of Schemas/events.schema.json).",
        discussion: """
        Derived from the checks the importer makes, so a producer that validates its lines against it is \
        accepted. Each type lists the `data` versions (`"v"`, default 1) Allot reads.
        """)

    func run() throws {
        print(EventSchema.document(), terminator: "")
    }
}
