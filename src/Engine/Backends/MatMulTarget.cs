namespace Engine.Backends;

/// <summary>One product of a fused <see cref="IBackend.MatMul(IDeviceBuffer, int, MatMulTarget, MatMulTarget, MatMulTarget)"/>:
/// output = input · Weightᵀ (+ Bias).</summary>
public readonly record struct MatMulTarget(IDeviceWeight Weight, IDeviceWeight? Bias, IDeviceBuffer Output);
