namespace Kernels.SelfTest;

/// <summary>The outcome of one case: passed, or the failure message (a mismatch, a compile error, an execution error).</summary>
public sealed record KernelSelfTestResult(string Name, bool Passed, string? Message, TimeSpan Elapsed);
