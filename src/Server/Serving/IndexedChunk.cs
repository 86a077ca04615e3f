using Server.Generation;

namespace Server.Serving;

/// <summary>A chunk tagged with its response choice index (prompt index · n + choice, api.md §6.2).</summary>
public readonly record struct IndexedChunk(int Index, int PromptIndex, GenerationChunk Chunk);
