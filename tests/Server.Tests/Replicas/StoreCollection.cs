namespace Server.Tests.Replicas;

/// <summary>The tests that share one PostgreSQL and one Redis (<see cref="StoreServers"/>); they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class StoreCollection : ICollectionFixture<StoreServers>
{
    public const string Name = "PostgreSQL and Redis";
}
