// The refresh script needs the internet and is never run by tests: these check its CSV parsing
// and its matching on a small offer file in the bulk API's format.
import { offerRows, parseCsvLine, refreshFromRows } from "../../scripts/cost/refresh-prices";
import { PriceEntry } from "../../scripts/cost/prices";

const OFFER_CSV = [
  '"FormatVersion","v1.0"',
  '"Disclaimer","This pricing list is for informational purposes only."',
  '"Publication Date","2026-11-30T20:00:00Z"',
  '"Version","20261130200000"',
  '"OfferCode","AmazonEC2"',
  '"SKU","OfferTermCode","RateCode","TermType","PriceDescription","EffectiveDate","StartingRange","EndingRange","Unit","PricePerUnit","Currency","Product Family","serviceCode","Location","usageType","operation","CapacityStatus","Region Code"',
  '"A1","JRTCKXETXF","A1.JRTCKXETXF.6YS6EN2CT7","OnDemand","$0.0093 per On Demand Linux t4g.micro Instance Hour","2026-11-01","0","Inf","Hrs","0.0093000000","USD","Compute Instance","AmazonEC2","EU (Ireland)","EU-BoxUsage:t4g.micro","RunInstances","Used","eu-west-1"',
  '"A2","JRTCKXETXF","A2.JRTCKXETXF.6YS6EN2CT7","OnDemand","$0.0000 per Unused Reservation","2026-11-01","0","Inf","Hrs","0.0000000000","USD","Compute Instance","AmazonEC2","EU (Ireland)","EU-BoxUsage:t4g.micro","RunInstances","UnusedCapacityReservation","eu-west-1"',
  '"A3","JRTCKXETXF","A3.JRTCKXETXF.6YS6EN2CT7","OnDemand","$0.0185 per On Demand Windows, with ""quotes""","2026-11-01","0","Inf","Hrs","0.0185000000","USD","Compute Instance","AmazonEC2","EU (Ireland)","EU-BoxUsage:t4g.micro","RunInstances:0002","Used","eu-west-1"',
  '"A1","4NA7Y494T4","A1.4NA7Y494T4.6YS6EN2CT7","Reserved","1yr","2026-11-01","0","Inf","Hrs","0.0058000000","USD","Compute Instance","AmazonEC2","EU (Ireland)","EU-BoxUsage:t4g.micro","RunInstances","Used","eu-west-1"',
  '"B1","JRTCKXETXF","B1.JRTCKXETXF.6YS6EN2CT7","OnDemand","$0.09 per GB - first 10 TB","2026-11-01","1","10240","GB","0.0900000000","USD","Data Transfer","AWSDataTransfer","EU (Ireland)","EU-DataTransfer-Out-Bytes","","","eu-west-1"',
  '"B1","JRTCKXETXF","B1.JRTCKXETXF.8EEUB22XNJ","OnDemand","$0.00 per GB - first 1 GB","2026-11-01","0","1","GB","0.0000000000","USD","Data Transfer","AWSDataTransfer","EU (Ireland)","EU-DataTransfer-Out-Bytes","","","eu-west-1"',
];

const entry = (id: string, usageType: string, operation?: string): PriceEntry => ({
  id, region: "eu-west-1", serviceCode: "AmazonEC2", usageType, operation, unit: "Hrs", usd: 0.0092, date: "2026-12-01", source: "AWS Price List bulk API (offer file)", description: id,
});

describe("refresh-prices (offline parts)", () => {
  it("splits quoted CSV fields, with doubled quotes inside", () => {
    expect(parseCsvLine('"a","b ""c"", d","",e')).toEqual(["a", 'b "c", d', "", "e"]);
  });

  it("updates an entry from the on-demand, used-capacity, first-tier row of its usage type and operation", async () => {
    const [linux, windows, missing] = await refreshFromRows(
      [entry("ec2.instance.t4g.micro", "EU-BoxUsage:t4g.micro", "RunInstances"), entry("windows", "EU-BoxUsage:t4g.micro", "RunInstances:0002"), entry("none", "EU-BoxUsage:x9.huge", "RunInstances")],
      offerRows(OFFER_CSV),
      "2027-01-15",
    );
    expect(linux.updated).toMatchObject({ usd: 0.0093, date: "2027-01-15", usageType: "EU-BoxUsage:t4g.micro" });
    expect(windows.updated?.usd).toBe(0.0185);
    expect(missing.updated).toBeUndefined();
    expect(missing.problem).toBe("no on-demand price in the offer file");
  });

  it("reports an ambiguous match instead of guessing", async () => {
    const [any] = await refreshFromRows([entry("any-os", "EU-BoxUsage:t4g.micro")], offerRows(OFFER_CSV), "2027-01-15");
    expect(any.problem).toBe("ambiguous: 0.0093, 0.0185 USD (add an operation)");
  });

  it("takes the first paid tier, past a free first tier", async () => {
    const [transfer] = await refreshFromRows([{ ...entry("dto", "EU-DataTransfer-Out-Bytes"), serviceCode: "AWSDataTransfer" }], offerRows(OFFER_CSV), "2027-01-15");
    expect(transfer.updated?.usd).toBe(0.09);
  });
});
