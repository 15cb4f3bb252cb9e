import assert from 'node:assert/strict';
import { addDays, beijingDay } from '../../server/core/time';
import { createOrganisation, createPerson, TEST_PASSWORD, uniqueEmail, validCreditCode, type TestPerson } from '../support/agents';
import { minimalPdf } from '../support/uploads';
import { startBrowserHarness, type BrowserHarness } from './support/browser-harness';

describe('accounts in a real browser: register, verify the e-mail, record a qualification, have it verified', function () {
  this.timeout(180_000);
  let browser: BrowserHarness;

  before(async () => {
    browser = await startBrowserHarness('accounts');
  });

  after(() => browser?.close());

  it('goes from registration to a verified qualification on the public profile', async () => {
    const { test, baseUrl, page, screenshot, signIn, signOut } = browser;
    const adminEmail = uniqueEmail('browser-admin');
    const creditCode = validCreditCode();
    const name = '浏览器测试精密制造有限公司';

    // Register the organisation through the form, as a visitor would.
    await page.goto(`${baseUrl}/register`);
    await page.fill('#field-name', name);
    await page.fill('#field-creditCode', creditCode);
    await page.selectOption('#field-kind', 'enterprise');
    await page.selectOption('#field-province', '440000');
    await page.selectOption('#field-city', '深圳市');
    await page.locator('details', { has: page.locator('input[value="aerospace.uav"]') }).locator('summary').click();
    await page.check('input[value="aerospace.uav"]');
    await page.fill('#field-introduction', '无人机载设备与精密结构件的研发和生产。');
    await page.fill('#field-contactPerson', '刘经理');
    await page.fill('#field-contactPhone', '13912345678');
    await page.fill('#field-contactEmail', 'contact@browser.example.cn');
    await page.fill('#field-adminName', '刘管理');
    await page.fill('#field-adminEmail', adminEmail);
    await page.fill('#field-password', TEST_PASSWORD);
    await page.fill('#field-passwordConfirm', TEST_PASSWORD);
    await screenshot('1-register');
    await page.click('form[action="/register"] button[type="submit"]');
    await page.waitForURL(/\/register\/done$/);

    // The verification link, read from the outbox as a platform admin reads it.
    const platformAdmin = await createPerson(test.platform, { roles: ['platform-admin'] });
    const { messages } = await test.platform.features.mail.service.list({ id: platformAdmin.id, roles: platformAdmin.roles }, { page: 1 });
    const message = messages.find((candidate) => candidate.to === adminEmail && candidate.template === 'verify-email');
    const link = message?.text.match(/https?:\/\/\S+?(\/verify-email\/[A-Za-z0-9_-]+)/)?.[1];
    assert.ok(link, 'a verification link was e-mailed');
    await page.goto(`${baseUrl}${link}`);
    await page.click('main form button[type="submit"]');
    await page.waitForURL(/\/login\?notice=verified$/);
    assert.match(await page.locator('.flash').innerText(), /邮箱已验证/);

    await signIn({ email: adminEmail });
    const organisationId = (await test.platform.store.connection.db!.collection('organisations').findOne({ creditCode }))!._id.toHexString();

    // The business licence, then a qualification with its certificate scan.
    await page.goto(`${baseUrl}/organisation`);
    await page.setInputFiles('#field-licence', { name: '营业执照.pdf', mimeType: 'application/pdf', buffer: minimalPdf('business licence') });
    await page.click('form[action^="/organisation/licence"] button[type="submit"]');
    await page.waitForURL(/\/organisation\?notice=licence-submitted$/);
    await screenshot('2-organisation');

    const today = beijingDay(new Date());
    const validUntil = addDays(today, 700);
    await page.goto(`${baseUrl}/organisation/qualifications/new`);
    await page.selectOption('#field-type', 'secrecy');
    await page.selectOption('#field-level', '2');
    await page.fill('#field-certificateNumber', 'BM-BROWSER-2025');
    await page.fill('#field-issuingAuthority', '国家保密局');
    await page.fill('#field-issuedOn', addDays(today, -30));
    await page.fill('#field-expiresOn', validUntil);
    await page.setInputFiles('#field-scan', { name: '保密资格证书.pdf', mimeType: 'application/pdf', buffer: minimalPdf('secrecy certificate') });
    await screenshot('3-qualification-form');
    await page.click('form[enctype="multipart/form-data"] button[type="submit"]');
    await page.waitForURL(/\/organisation\/qualifications\?notice=qualification-recorded$/);
    assert.match(await page.locator('.qualification-row').innerText(), /BM-BROWSER-2025[\s\S]*待审核/);
    await screenshot('4-qualifications');
    await signOut();

    // An organiser, with the second factor, verifies the organisation and the qualification.
    const office = await createOrganisation(test.platform, { kind: 'government', name: '浏览器测试市军民融合办公室' });
    const organiser: TestPerson = await createPerson(test.platform, { roles: ['org-member', 'organiser'], organisationId: office.id });
    await signIn(organiser);

    await page.goto(`${baseUrl}/review/organisations`);
    const organisationItem = page.locator(`#organisation-${organisationId}`);
    assert.match(await organisationItem.innerText(), /营业执照\.pdf/);
    await screenshot('5-review-organisations');
    await organisationItem.locator('button[value="verified"]').click();
    await page.waitForURL(/\/review\/organisations\?notice=review-decided$/);

    await page.goto(`${baseUrl}/review/qualifications`);
    const qualificationItem = page.locator('.review-item', { hasText: 'BM-BROWSER-2025' });
    assert.match(await qualificationItem.innerText(), /保密资格证书\.pdf/);
    await screenshot('6-review-qualifications');
    await qualificationItem.locator('button[value="verified"]').click();
    await page.waitForURL(/\/review\/qualifications\?notice=review-decided$/);
    await signOut();

    // Anyone now sees the verified organisation and its qualification.
    await page.goto(`${baseUrl}/organisations/${organisationId}`);
    assert.match(await page.locator('h1').innerText(), new RegExp(`${name}[\\s\\S]*已认证`));
    const row = await page.locator('.profile-qualification').innerText();
    assert.match(row, /武器装备科研生产单位保密资格/);
    assert.match(row, /二级/);
    assert.match(row, new RegExp(validUntil));
    assert.match(row, /已认证/);
    assert.equal(await page.locator('a[href^="/files/"]').count(), 0, 'the public never gets the scans');
    await screenshot('7-profile');
  });
});
