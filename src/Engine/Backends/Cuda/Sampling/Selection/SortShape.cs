namespace Engine.Backends.Cuda.Sampling.Selection;

/// <summary>The scalars of the sorting stages (launchers take at most six parameters): row width and key-row stride.</summary>
public readonly record struct SortShape(int Vocab, int KeyStride);
