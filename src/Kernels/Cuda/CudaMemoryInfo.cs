namespace Kernels.Cuda;

/// <summary>Device memory in bytes: what is free now and the total the driver manages.</summary>
public readonly record struct CudaMemoryInfo(long FreeBytes, long TotalBytes);
