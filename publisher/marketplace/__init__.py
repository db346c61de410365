"""The only room that speaks HTTP to Marketplace: the client and its session, connections and
deadlines, cursor pages, the shapes of its answers, every way the wire can fail, the one retry
policy, streamed uploads, and the PUT of a live document with its revision."""
