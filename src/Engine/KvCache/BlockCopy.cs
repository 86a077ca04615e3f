namespace Engine.KvCache;

/// <summary>A copy-on-write order: the runner copies every layer's keys and values of block <see cref="Source"/> to <see cref="Destination"/> before the forward pass.</summary>
public readonly record struct BlockCopy(int Source, int Destination);
