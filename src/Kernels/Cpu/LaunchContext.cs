namespace Kernels.Cpu;

/// <summary>What every block of one launch shares.</summary>
internal sealed record LaunchContext(string Kernel, CpuMemory Memory, Dim3 Grid, Dim3 Block, int DynamicSharedBytes, ulong[] Parameters);
