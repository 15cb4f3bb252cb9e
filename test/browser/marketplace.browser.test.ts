import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Actor } from '../../server/core/actor';
import { addDays, beijingDay } from '../../server/core/time';
import { PDF_FILE, ReceivedUpload } from '../../server/core/upload';
import type { Organisation } from '../../server/organisations';
import { createOrganisation, createPerson, type TestPerson } from '../support/agents';
import { minimalPdf } from '../support/uploads';
import { startBrowserHarness, type BrowserHarness } from './support/browser-harness';

const NEED_TITLE = '野战方舱净水设备采购';
const NEED_DESCRIPTION = '每小时净水能力不低于 5 吨，可在零下 30 度环境连续工作';
const CAPABILITY_TITLE = '车载式应急净水装备';

describe('the marketplace in a real browser: a capability, a restricted need through review, found by a qualified supplier', function () {
  this.timeout(240_000);
  let browser: BrowserHarness;
  let organiser: TestPerson;
  let supplier: TestPerson;
  let militaryBuyer: TestPerson;
  let unqualifiedSupplier: TestPerson;

  async function verifiedOrganisation(organiserActor: Actor, kind: string, name: string): Promise<Organisation> {
    const organisation = await createOrganisation(browser.test.platform, { kind, name });
    await browser.test.platform.features.organisations.service.setVerification(organiserActor, organisation.id, 'verified', '');
    return organisation;
  }

  /** A verified, in-date secrecy qualification (level 2) recorded and decided through the qualifications service. */
  async function grantSecrecyLevel2(person: TestPerson, organiserActor: Actor): Promise<void> {
    const scan = minimalPdf('secrecy certificate');
    const incoming = path.join(browser.test.dataDir, 'uploads', 'incoming');
    fs.mkdirSync(incoming, { recursive: true });
    const tempPath = path.join(incoming, 'browser-test-scan.pdf');
    fs.writeFileSync(tempPath, scan);
    const today = beijingDay(new Date());
    const qualifications = browser.test.platform.features.qualifications.service;
    const qualification = await qualifications.record(
      { id: person.id, roles: person.roles, organisationId: person.organisationId },
      {
        type: 'secrecy',
        level: '2',
        certificateNumber: 'BM-MARKET-2025',
        issuingAuthority: '国家保密局',
        issuedOn: addDays(today, -30),
        expiresOn: addDays(today, 700),
        scan: new ReceivedUpload(tempPath, 'certificate.pdf', PDF_FILE, scan.length, createHash('sha256').update(scan).digest('hex')),
      },
    );
    await qualifications.decide(organiserActor, qualification.id, 'verified', '');
  }

  before(async () => {
    browser = await startBrowserHarness('marketplace');
    const { test } = browser;

    const office = await createOrganisation(test.platform, { kind: 'government', name: '浏览器测试市军民融合办公室' });
    organiser = await createPerson(test.platform, { roles: ['org-member', 'organiser'], organisationId: office.id, name: '周组织' });
    const organiserActor: Actor = { id: organiser.id, roles: organiser.roles, organisationId: office.id };
    const supplierOrganisation = await verifiedOrganisation(organiserActor, 'enterprise', '浏览器测试净水科技有限公司');
    const unit = await verifiedOrganisation(organiserActor, 'military-unit', '浏览器测试某部后勤保障处');
    const unqualifiedOrganisation = await verifiedOrganisation(organiserActor, 'enterprise', '浏览器测试普通制造有限公司');
    supplier = await createPerson(test.platform, { roles: ['org-admin'], organisationId: supplierOrganisation.id, name: '钱供应' });
    militaryBuyer = await createPerson(test.platform, { roles: ['org-admin'], organisationId: unit.id, name: '孙采购' });
    unqualifiedSupplier = await createPerson(test.platform, { roles: ['org-admin'], organisationId: unqualifiedOrganisation.id, name: '李普通' });
    await grantSecrecyLevel2(supplier, organiserActor);
  });

  after(() => browser?.close());

  async function pickIndustry(code: string): Promise<void> {
    const { page } = browser;
    await page.locator('details', { has: page.locator(`input[value="${code}"]`) }).locator('summary').click();
    await page.check(`input[name="industries"][value="${code}"]`);
  }

  async function searchFor(text: string): Promise<void> {
    const { baseUrl, page } = browser;
    await page.goto(`${baseUrl}/search`);
    await page.fill('#search-q', text);
    await page.click('.search-form button[type="submit"]');
    await page.waitForURL(/\/search\?.*q=/);
  }

  it('carries a capability and a qualified-only need from posting to the right readers', async () => {
    const { baseUrl, page, screenshot, signIn, signOut } = browser;

    // A civilian supplier lists a capability and publishes it.
    await signIn(supplier);
    await page.goto(`${baseUrl}/capabilities/new`);
    await page.selectOption('#field-kind', 'product');
    await page.check('input[name="direction"][value="civil-to-military"]');
    await page.fill('#field-title', CAPABILITY_TITLE);
    await page.fill('#field-summary', '车载集装箱式净水装备，每小时净水 8 吨，适合野外和应急保障。');
    await page.fill('#field-description', '## 主要特点\n\n- 超滤加反渗透两级处理\n- 零下 30 度可工作');
    await pickIndustry('equipment.environmental');
    await page.fill('#field-keywords', '净水、应急保障');
    await page.selectOption('#field-trl', '8');
    await page.fill('input[name="specName"] >> nth=0', '净水能力');
    await page.fill('input[name="specValue"] >> nth=0', '8');
    await page.fill('input[name="specUnit"] >> nth=0', 't/h');
    await page.check('input[name="qualificationIds"]');
    await page.check('input[name="declaration"]');
    await screenshot('1-capability-form');
    await page.click('button[name="action"][value="publish"]');
    await page.waitForURL(/\/capabilities\/[a-f0-9]{24}\?notice=capability-published$/);
    assert.match(await page.locator('.flash').innerText(), /能力已发布/);
    assert.match(await page.locator('h1').innerText(), new RegExp(CAPABILITY_TITLE));
    assert.match(await page.locator('.qualification-list').innerText(), /保密资格[\s\S]*二级/);
    await screenshot('2-capability-published');
    await signOut();

    // A military unit posts a need only qualified suppliers may read, and submits it for review.
    await signIn(militaryBuyer);
    await page.goto(`${baseUrl}/needs/new`);
    await page.selectOption('#field-kind', 'product');
    await page.fill('#field-title', NEED_TITLE);
    await page.fill('#field-summary', '采购一批野战方舱用净水设备，要求适应高寒环境。');
    await page.fill('#field-description', `## 技术要求\n\n${NEED_DESCRIPTION}。`);
    await pickIndustry('equipment.environmental');
    await page.check('input[name="qualifications"][value="secrecy"]');
    await page.selectOption('select[name="minLevel_secrecy"]', '2');
    await page.fill('#field-quantity', '12 套');
    await page.fill('#field-responseDeadline', addDays(beijingDay(new Date()), 30));
    await page.fill('#field-deliveryPlace', '乌鲁木齐');
    await page.check('input[name="visibility"][value="qualified"]');
    await page.check('form.wide input[name="declaration"]');
    await screenshot('3-need-form');
    await page.click('form.wide > button[type="submit"]');
    await page.waitForURL(/\/needs\/[a-f0-9]{24}\?notice=saved$/);
    const needPath = new URL(page.url()).pathname;
    assert.match(await page.locator('.status').first().innerText(), /草稿/);
    await page.click(`form[action="${needPath}/submit"] button[type="submit"]`);
    await page.waitForURL(new RegExp(`${needPath}\\?notice=submitted$`));
    assert.match(await page.locator('.flash').innerText(), /保密审查/);
    assert.match(await page.locator('.status').first().innerText(), /审查中/);
    await screenshot('4-need-submitted');
    await signOut();

    // An organiser, with the second factor, finds it in the review queue (保密审查) and approves it.
    await signIn(organiser);
    await page.goto(`${baseUrl}/review/needs`);
    const row = page.locator('tr', { hasText: NEED_TITLE });
    assert.match(await row.innerText(), /浏览器测试某部后勤保障处/);
    await screenshot('5-review-queue');
    await row.locator(`a[href="${needPath}"]`).click();
    await page.waitForURL(new RegExp(`${needPath}$`));
    await page.check(`form[action="${needPath}/review"] input[name="decision"][value="approve"]`);
    await screenshot('6-review-decision');
    await page.click(`form[action="${needPath}/review"] button[type="submit"]`);
    await page.waitForURL(/\/review\/needs\?notice=approved$/);
    assert.match(await page.locator('.flash').innerText(), /审查通过/);
    assert.equal(await page.locator('tr', { hasText: NEED_TITLE }).count(), 0, 'the queue no longer lists it');
    await signOut();

    // The qualified supplier finds it through search and reads the details.
    await signIn(supplier);
    await searchFor('净水设备');
    const qualifiedHit = page.locator('.hit', { hasText: NEED_TITLE });
    await qualifiedHit.waitFor();
    assert.equal(await qualifiedHit.locator('.badge', { hasText: '仅摘要可见' }).count(), 0);
    await screenshot('7-search-qualified');
    await qualifiedHit.locator(`a[href="${needPath}"]`).click();
    await page.waitForURL(new RegExp(`${needPath}$`));
    assert.match(await page.locator('.markdown').innerText(), new RegExp(NEED_DESCRIPTION));
    assert.match(await page.locator('main').innerText(), /12 套[\s\S]*乌鲁木齐/);
    await screenshot('8-need-details');
    await signOut();

    // A verified supplier without the qualification finds it too, but reads the summary only.
    await signIn(unqualifiedSupplier);
    await searchFor('净水设备');
    const summaryHit = page.locator('.hit', { hasText: NEED_TITLE });
    await summaryHit.waitFor();
    assert.equal(await summaryHit.locator('.badge', { hasText: '仅摘要可见' }).count(), 1);
    await screenshot('9-search-unqualified');
    await summaryHit.locator(`a[href="${needPath}"]`).click();
    await page.waitForURL(new RegExp(`${needPath}$`));
    const main = await page.locator('main').innerText();
    assert.match(main, /采购一批野战方舱用净水设备/);
    assert.match(main, /详情仅对具备下列资质/);
    assert.doesNotMatch(main, new RegExp(NEED_DESCRIPTION));
    assert.doesNotMatch(await page.content(), /乌鲁木齐|12 套/);
    assert.equal(await page.locator('.markdown').count(), 0);
    await screenshot('10-need-summary-only');
  });
});
