namespace Kernels.SelfTest;

/// <summary>One self-test: a name and a check that launches kernels on a context and throws <see cref="SelfTestFailure"/> on a mismatch.</summary>
public sealed record KernelSelfTestCase(string Name, Action<KernelContext> Run);
