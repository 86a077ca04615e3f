namespace Engine.Backends.Cpu;

/// <summary>Work split into independent chunks; <see cref="WorkerPool"/> hands each chunk index to one thread.</summary>
internal interface IParallelJob
{
    void Execute(int chunk, int worker);
}
