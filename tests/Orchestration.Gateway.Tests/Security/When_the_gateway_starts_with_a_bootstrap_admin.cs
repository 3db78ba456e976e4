namespace Orchestration.Gateway.Tests.Security;

public sealed class When_the_gateway_starts_with_a_bootstrap_admin
{
    const string BootstrapPassword = "bootstrap secret 7f3a9c long";

    static Dictionary<string, string?> Bootstrap(string password = BootstrapPassword) => new()
    {
        ["Gateway:Security:BootstrapAdmin:Email"] = "Root@Orchestration.test",
        ["Gateway:Security:BootstrapAdmin:Password"] = password,
        ["Gateway:Security:BootstrapAdmin:DisplayName"] = "First Admin",
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:MassTransit"] = "Trace",
    };

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_create_the_admin_once_and_never_log_the_password(string provider)
    {
        await using var database = TestDatabase.Create(provider, "gwsec");
        Guid adminId;
        await using (var first = await StaffGatewayHost.StartOnAsync(database, Bootstrap()))
        {
            var browser = first.Browser();
            var login = await browser.LoginAsync("root@orchestration.test", BootstrapPassword);
            login.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await login.JsonAsync()).GetProperty("roles").Strings().ShouldBe([GatewayRoles.Admin]);
            var me = await (await browser.GetAsync("/api/auth/me")).JsonAsync();
            me.GetProperty("displayName").GetString().ShouldBe("First Admin");
            adminId = (await first.Directory.FindByEmailAsync("root@orchestration.test", CancellationToken.None)).ShouldNotBeNull().Id;

            first.Logs.Entries.ShouldContain(e => e.Contains($"Bootstrap administrator created as staff user {adminId}", StringComparison.Ordinal));
            first.Logs.Entries.Count.ShouldBeGreaterThan(20); // Trace: everything the host says is captured
            first.Logs.Text.ShouldNotContain(BootstrapPassword);

            // The admin changes the password; configuration must not overrule that at the next start.
            (await browser.PostAsJsonAsync("/api/auth/password", new { currentPassword = BootstrapPassword, newPassword = "chosen by the admin later" }))
                .StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        await using var second = await StaffGatewayHost.StartOnAsync(database, Bootstrap());
        var users = await database.RowsAsync("users");
        users.ShouldHaveSingleItem()["email_key"].ShouldBe("root@orchestration.test");
        second.Logs.Entries.ShouldContain(e => e.Contains($"Bootstrap administrator already present as staff user {adminId}", StringComparison.Ordinal));
        second.Logs.Text.ShouldNotContain(BootstrapPassword);
        await (await second.Browser().LoginAsync("root@orchestration.test", BootstrapPassword)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        (await second.Browser().LoginAsync("root@orchestration.test", "chosen by the admin later")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public void Should_insist_on_being_registered_after_the_storage_whose_migrations_it_needs()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Bootstrap()).Build();

        Should.Throw<InvalidOperationException>(() => services.AddGatewaySecurity(configuration)).Message.ShouldContain("AddOrchestrationEndpoint");

        services.AddOrchestrationEndpoint(configuration, "gateway", _ => { });
        services.AddGatewaySecurity(configuration);
        var hosted = services.Where(s => s.ServiceType == typeof(IHostedService)).Select(s => s.ImplementationType).ToList();
        hosted.IndexOf(typeof(BootstrapAdministrator)).ShouldBeGreaterThan(hosted.IndexOf(typeof(SchemaMigrator)));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_create_nobody_when_no_bootstrap_admin_is_configured(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);

        (await gateway.Database.RowsAsync("users")).ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_to_start_with_a_weak_bootstrap_password_without_logging_it(string provider)
    {
        await using var database = TestDatabase.Create(provider, "gwsec");

        var failure = await Should.ThrowAsync<InvalidOperationException>(() => StaffGatewayHost.StartOnAsync(database, Bootstrap("short-7f3a")));

        failure.Message.ShouldContain("BootstrapAdmin:Password");
        failure.Message.ShouldNotContain("short-7f3a");
        (await database.RowsAsync("users")).ShouldBeEmpty();
    }
}
