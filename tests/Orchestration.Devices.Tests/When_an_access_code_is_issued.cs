using Orchestration.Devices.Tests.Infrastructure;
using Orchestration.Endpoints.Devices.AccessCodes;

namespace Orchestration.Devices.Tests;

public abstract class When_an_access_code_is_issued(DevicesFixture fixture) : DevicesTest(fixture)
{
    [Fact]
    public async Task Should_issue_one_code_per_lease_and_announce_the_same_id_on_a_repeat()
    {
        var lease = new Leases();

        (await Host.SendAsync(lease.IssueAccessCode())).ShouldBeNull();
        var first = (await Host.Published.WaitForAsync<AccessCodeIssued>(e => e.LeaseId == lease.LeaseId)).Single();
        (await Host.SendAsync(lease.IssueAccessCode())).ShouldBeNull();
        var announced = await Host.Published.WaitForAsync<AccessCodeIssued>(e => e.LeaseId == lease.LeaseId, count: 2);

        announced.Select(e => e.AccessCodeId).Distinct().ShouldBe([first.AccessCodeId]);
        var stored = (await Host.AccessCodeAsync(lease.LeaseId)).ShouldNotBeNull();
        stored.AccessCodeId.ShouldBe(first.AccessCodeId);
        stored.CodeHash.ShouldNotBeNull().ShouldStartWith("pbkdf2-sha256$");
        stored.ValidFrom.ShouldBe(new DateOnly(2027, 1, 1));
        stored.ValidThrough.ShouldBe(new DateOnly(2027, 12, 31));
        stored.RevokedAt.ShouldBeNull();
    }

    [Fact]
    public async Task Should_mark_the_code_revoked()
    {
        var lease = new Leases();
        (await Host.SendAsync(lease.IssueAccessCode())).ShouldBeNull();
        var issued = (await Host.Published.WaitForAsync<AccessCodeIssued>(e => e.LeaseId == lease.LeaseId)).Single();

        (await Host.SendAsync(lease.RevokeAccessCode(issued.AccessCodeId))).ShouldBeNull();

        var stored = (await Host.AccessCodeAsync(lease.LeaseId)).ShouldNotBeNull();
        stored.RevokedAt.ShouldNotBeNull();
        stored.AccessCodeId.ShouldBe(issued.AccessCodeId);
    }

    [Fact]
    public async Task Should_issue_nothing_for_a_lease_revoked_before_its_code_was_issued()
    {
        var lease = new Leases();

        (await Host.SendAsync(lease.RevokeAccessCode())).ShouldBeNull();
        (await Host.SendAsync(lease.IssueAccessCode())).ShouldBeNull();

        var stored = (await Host.AccessCodeAsync(lease.LeaseId)).ShouldNotBeNull();
        stored.AccessCodeId.ShouldBeNull();
        stored.CodeHash.ShouldBeNull();
        await Task.Delay(200);
        Host.Published.All<AccessCodeIssued>(e => e.LeaseId == lease.LeaseId).ShouldBeEmpty();
    }

    [Fact]
    public void Should_keep_six_digit_codes_only_as_salted_hashes()
    {
        var code = AccessCode.NewCode();
        code.Length.ShouldBe(6);
        code.ShouldAllBe(c => char.IsAsciiDigit(c));

        var hash = AccessCode.Hash(code);
        AccessCode.Hash(code).ShouldNotBe(hash);
        AccessCode.Matches(code, hash).ShouldBeTrue();
        AccessCode.Matches(code == "000000" ? "000001" : "000000", hash).ShouldBeFalse();
    }
}

public sealed class When_an_access_code_is_issued_on_sqlite(DevicesFixture.OnSqlite fixture)
    : When_an_access_code_is_issued(fixture), IClassFixture<DevicesFixture.OnSqlite>;

public sealed class When_an_access_code_is_issued_on_postgres(DevicesFixture.OnPostgres fixture)
    : When_an_access_code_is_issued(fixture), IClassFixture<DevicesFixture.OnPostgres>;
