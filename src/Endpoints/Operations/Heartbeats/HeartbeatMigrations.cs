namespace Orchestration.Endpoints.Operations.Heartbeats;

/// <summary>
/// <c>endpoint_instances</c>: one row per endpoint instance that ever sent a heartbeat, with its last heartbeat, its
/// custom checks as JSON, when it was declared lost and until when it is muted. Times are Unix milliseconds (UTC).
/// </summary>
public static class HeartbeatMigrations
{
    public static readonly SchemaMigration Instances = new("operations_0101_endpoint_instances", (s, d) => $"""
        CREATE TABLE {s.Table("endpoint_instances")} (
            endpoint text NOT NULL,
            instance text NOT NULL,
            host text NOT NULL,
            autoscaled integer NOT NULL,
            interval_ms bigint NOT NULL,
            first_seen bigint NOT NULL,
            last_heartbeat bigint NOT NULL,
            lost_at bigint NULL,
            muted_until bigint NULL,
            checks text NOT NULL,
            outbox_backlog bigint NOT NULL,
            parked bigint NOT NULL,
            scheduled_late bigint NOT NULL,
            PRIMARY KEY (endpoint, instance)
        );
        CREATE INDEX {PlatformMigrations.Index(s, "endpoint_instances_alive")} ON {s.Table("endpoint_instances")} (last_heartbeat) WHERE lost_at IS NULL;
        """);

    /// <summary>The queues each instance consumes from, as its heartbeats name them (JSON), to which queue lengths are attributed.</summary>
    public static readonly SchemaMigration InstanceQueues = new("operations_0102_endpoint_instance_queues", (s, d) => $"""
        ALTER TABLE {s.Table("endpoint_instances")} ADD COLUMN queues text NOT NULL DEFAULT '[]';
        """);
}
