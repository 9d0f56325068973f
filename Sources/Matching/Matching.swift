// The Matching module is built out by its own issue; this file only gives the target a source.
