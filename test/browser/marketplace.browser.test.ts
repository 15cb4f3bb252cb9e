import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Server } from 'node:http';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Actor } from '../../server/core/actor';
import { projectRoot } from '../../server/core/paths';
import { addDays, beijingDay } from '../../server/core/time';
import { totpCode, totpStep } from '../../server/core/totp';
import { PDF_FILE, ReceivedUpload } from '../../server/core/upload';
import type { Organisation } from '../../server/organisations';
import { createOrganisation, createPerson, TEST_PASSWORD, type TestPerson } from '../support/agents';
import { makeTempDir, startTestPlatform, type TestPlatform } from '../support/platform';
import { minimalPdf } from '../support/uploads';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(projectRoot, 'test-artifacts');

const NEED_TITLE = '野战方舱净水设备采购';
const NEED_DESCRIPTION = '每小时净水能力不低于 5 吨，可在零下 30 度环境连续工作';
const CAPABILITY_TITLE = '车载式应急净水装备';

describe('the marketplace in a real browser: a capability, a restricted need through review, found by a qualified supplier', function () {
  this.timeout(240_000);
  let test: TestPlatform;
  let server: Server;
  let baseUrl: string;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  let organiser: TestPerson;
  let supplier: TestPerson;
  let militaryBuyer: TestPerson;
  let unqualifiedSupplier: TestPerson;

  async function verifiedOrganisation(organiserActor: Actor, kind: string, name: string): Promise<Organisation> {
    const organisation = await createOrganisation(test.platform, { kind, name });
    await test.platform.features.organisations.service.setVerification(organiserActor, organisation.id, 'verified', '');
    return organisation;
  }

  /** A verified, in-date secrecy qualification (level 2) recorded and decided through the qualifications service. */
  async function grantSecrecyLevel2(person: TestPerson, organiserActor: Actor): Promise<void> {
    const scan = minimalPdf('secrecy certificate');
    const incoming = path.join(test.dataDir, 'uploads', 'incoming');
    fs.mkdirSync(incoming, { recursive: true });
    const tempPath = path.join(incoming, 'browser-test-scan.pdf');
    fs.writeFileSync(tempPath, scan);
    const today = beijingDay(new Date());
    const qualifications = test.platform.features.qualifications.service;
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
    // A missing browser is a broken test machine, not a reason to skip.
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`Chromium is not installed at ${CHROMIUM}: apt-get update && apt-get install -y --no-install-recommends chromium (.ci/run does this)`);
    }
    test = await startTestPlatform();
    server = test.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

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

    userDataDir = await makeTempDir('chromium');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
      locale: 'zh-CN',
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  after(async () => {
    await context?.close();
    server?.closeAllConnections();
    if (server) await new Promise((resolve) => server.close(resolve));
    await test?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  const screenshot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `marketplace-${name}.png`), fullPage: true });

  async function signOut(): Promise<void> {
    await page.locator('.user-menu summary').click();
    await page.locator('.user-menu-panel button[type="submit"]').click();
    await page.waitForURL(/\/\?notice=signed-out$/);
  }

  async function signIn(person: TestPerson): Promise<void> {
    await page.goto(`${baseUrl}/login`);
    await page.fill('#field-email', person.email);
    await page.fill('#field-password', TEST_PASSWORD);
    await page.click('main form button[type="submit"]');
    if (person.totpSecret) {
      await page.waitForURL(/\/login\/two-factor$/);
      await page.fill('#field-code', totpCode(person.totpSecret, totpStep()));
      await page.click('main form button[type="submit"]');
    }
    await page.waitForURL(/\/account$/);
  }

  async function pickIndustry(code: string): Promise<void> {
    await page.locator('details', { has: page.locator(`input[value="${code}"]`) }).locator('summary').click();
    await page.check(`input[name="industries"][value="${code}"]`);
  }

  async function searchFor(text: string): Promise<void> {
    await page.goto(`${baseUrl}/search`);
    await page.fill('#search-q', text);
    await page.click('.search-form button[type="submit"]');
    await page.waitForURL(/\/search\?.*q=/);
  }

  it('carries a capability and a qualified-only need from posting to the right readers', async () => {
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
