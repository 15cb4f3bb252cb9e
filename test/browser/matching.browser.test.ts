import assert from 'node:assert/strict';
import type { Actor } from '../../server/core/actor';
import { createOrganisation, createPerson, signInAs, type TestPerson } from '../support/agents';
import { marketplace } from '../support/marketplace';
import { startBrowserHarness, type BrowserHarness } from './support/browser-harness';

const NEED_TITLE = '舰载无人机复合材料旋翼';
const MATCH_TITLE = '碳纤维复合材料无人机旋翼';
const NEAR_MISS_TITLE = '碳纤维复合材料旋翼桨叶';
const SUPPLIER_NAME = '浏览器测试复材科技有限公司';
const NEAR_MISS_NAME = '浏览器测试普通复材有限公司';
const PROPOSAL = '可提供 20 套碳纤维复合材料旋翼，盐雾试验 720 小时，45 天交付，按套报价。';

describe('matching in a real browser: ranked matches with reasons, an invitation, a response, a shortlist', function () {
  this.timeout(240_000);
  let browser: BrowserHarness;
  let organiserActor: Actor;
  let procurement: TestPerson;
  let supplier: TestPerson;
  let needId: string;
  let matchCapabilityId: string;
  let nearMissCapabilityId: string;

  before(async () => {
    browser = await startBrowserHarness('matching');
    const { test } = browser;

    const office = await createOrganisation(test.platform, { kind: 'government', name: '浏览器测试市军民融合办公室' });
    const organiser = await createPerson(test.platform, { roles: ['org-member', 'organiser'], organisationId: office.id, name: '周组织' });
    organiserActor = { id: organiser.id, roles: organiser.roles, organisationId: office.id };
    await test.platform.features.organisations.service.setVerification(organiserActor, office.id, 'verified', '');

    const { verifiedOrganisation, holdSecrecy, publishCapability, publishNeed } = marketplace(test, () => organiserActor);
    const owner = await verifiedOrganisation('浏览器测试航空装备集团有限公司', 'defence-enterprise');
    const qualifiedOrganisation = await verifiedOrganisation(SUPPLIER_NAME, 'enterprise');
    const unqualifiedOrganisation = await verifiedOrganisation(NEAR_MISS_NAME, 'enterprise');
    procurement = await createPerson(test.platform, { roles: ['org-member'], organisationId: owner.id, name: '赵采购' });
    supplier = await createPerson(test.platform, { roles: ['org-admin'], organisationId: qualifiedOrganisation.id, name: '钱供应' });
    const nearMissAdmin = await createPerson(test.platform, { roles: ['org-admin'], organisationId: unqualifiedOrganisation.id, name: '李普通' });

    // The need requires secrecy level 3 or higher and TRL 6; the supplier holds level 2, the near miss none.
    const supplierAgent = await signInAs(test.app, supplier);
    await holdSecrecy(supplierAgent, '2', 'BM-BROWSER-MATCH');
    matchCapabilityId = await publishCapability(supplierAgent, { title: MATCH_TITLE });
    nearMissCapabilityId = await publishCapability(await signInAs(test.app, nearMissAdmin), { title: NEAR_MISS_TITLE, summary: '舰载无人机碳纤维复合材料旋翼桨叶，耐盐雾。' });
    needId = await publishNeed(await signInAs(test.app, procurement), { title: NEED_TITLE });
  });

  after(() => browser?.close());

  async function openFromUserMenu(href: string): Promise<void> {
    const { page } = browser;
    await page.locator('.user-menu summary').click();
    await page.locator(`.user-menu-panel a[href="${href}"]`).click();
    await page.waitForURL(new RegExp(`${href}$`));
  }

  it('takes a need from its ranked matches through an invitation and a response to a shortlist', async () => {
    const { page, screenshot, signIn, signOut } = browser;
    const needPath = `/needs/${needId}`;

    // The procurement user opens the published need from 我的需求 and goes on to its matches.
    await signIn(procurement);
    await openFromUserMenu('/needs/mine');
    await page.locator(`main a[href="${needPath}"]`).first().click();
    await page.waitForURL(new RegExp(`${needPath}$`));
    assert.match(await page.locator('h1').innerText(), new RegExp(NEED_TITLE));
    await screenshot('1-need');
    await page.click(`a[href="${needPath}/matches"]`);
    await page.waitForURL(new RegExp(`${needPath}/matches$`));

    // Ranked matches with their reasons: matched words, the shared industry, each requirement met, the score bar.
    const match = page.locator('ol.matches > li.match', { has: page.locator(`a[href="/capabilities/${matchCapabilityId}"]`) });
    await match.waitFor();
    assert.equal(await page.locator(`ol.matches a[href="/capabilities/${nearMissCapabilityId}"]`).count(), 0, 'an unqualified supplier is never a match');
    assert.match(await match.locator('.rank').innerText(), /^#1$/);
    assert.match(await match.locator('.match-head').innerText(), new RegExp(SUPPLIER_NAME));
    assert.match(await match.locator('.match-score .score').innerText(), /匹配度 \d+/);
    const terms = await match.locator('.reasons mark').allInnerTexts();
    assert.ok(terms.some((term) => /复合|材料|旋翼|无人/.test(term)), `matched words: ${terms.join(', ')}`);
    const reasons = await match.locator('.reasons').innerText();
    assert.match(reasons, /相同产业方向：[^\n]*无人机/);
    assert.match(reasons, /✓ [^\n]*保密资格/);
    assert.match(reasons, /✓ 技术成熟度不低于 TRL 6/);
    assert.equal(await match.locator('.reasons li.unmet').count(), 0);
    const bar = await match.locator('svg.score-bar').boundingBox();
    assert.ok(bar && bar.width > 50 && bar.height >= 8, `the score bar is visible: ${JSON.stringify(bar)}`);
    const filled = await match.locator('svg.score-bar rect').first().boundingBox();
    assert.ok(filled && filled.width > 0, 'the score bar has a filled part');
    assert.match(await match.locator('.score-legend').innerText(), /文本 \d+%/);
    // The near miss names the qualification it lacks.
    const nearMiss = page.locator('.near-misses li', { has: page.locator(`a[href="/capabilities/${nearMissCapabilityId}"]`) });
    assert.match(await nearMiss.innerText(), new RegExp(NEAR_MISS_NAME));
    assert.match(await nearMiss.locator('.unmet').innerText(), /缺少：[^\n]*保密资格[^\n]*未持有/);
    assert.doesNotMatch(await page.locator('main').innerText(), /matching\.|response\.|notice\./, 'no untranslated keys');
    await screenshot('2-matches');

    // The owner invites the matched supplier; the match then links to the thread.
    await match.locator('button[type="submit"]', { hasText: '邀请响应' }).click();
    await page.waitForURL(new RegExp(`${needPath}/matches\\?notice=responseInvited$`));
    assert.match(await page.locator('.flash').innerText(), /已邀请该单位响应/);
    const invitedStatus = page.locator('ol.matches > li.match', { has: page.locator(`a[href="/capabilities/${matchCapabilityId}"]`) }).locator('a.status');
    assert.equal(await invitedStatus.innerText(), '已邀请');
    const threadPath = await invitedStatus.getAttribute('href');
    assert.match(threadPath ?? '', /^\/responses\/[a-f0-9]{24}$/);
    await screenshot('3-invited');
    await signOut();

    // The supplier finds the invitation in its inbox and opens the thread.
    await signIn(supplier);
    await openFromUserMenu('/inbox');
    const invitation = page.locator('ul.inbox > li.unread', { has: page.locator(`a[href="${threadPath}"]`) });
    assert.match(await invitation.innerText(), new RegExp(`邀请您响应需求：${NEED_TITLE}`));
    await screenshot('4-inbox');
    await invitation.locator(`a[href="${threadPath}"]`).click();
    await page.waitForURL(new RegExp(`${threadPath}$`));
    assert.equal(await page.locator('#thread-status').innerText(), '已邀请');
    await screenshot('5-invitation-thread');

    // It responds with a proposal for its capability.
    await page.click(`.thread-actions a[href="${needPath}/respond?capability=${matchCapabilityId}"]`);
    await page.waitForURL(new RegExp(`${needPath}/respond\\?capability=${matchCapabilityId}$`));
    assert.equal(await page.inputValue('#field-capabilityId'), matchCapabilityId, 'the invited capability is chosen');
    await page.fill('#field-proposal', PROPOSAL);
    await page.check('input[name="declaration"]');
    await screenshot('6-respond-form');
    await page.click('main form button[type="submit"]');
    await page.waitForURL(new RegExp(`${threadPath}\\?notice=responded$`));
    assert.match(await page.locator('.flash').innerText(), /已提交响应/);
    assert.equal(await page.locator('#thread-status').innerText(), '已响应');
    assert.match(await page.locator('main').innerText(), /45 天交付/);
    await screenshot('7-responded');
    await signOut();

    // The owner opens the thread from its inbox and shortlists the response.
    await signIn(procurement);
    await openFromUserMenu('/inbox');
    const responded = page.locator('ul.inbox > li', { has: page.locator(`a[href="${threadPath}"]`), hasText: '响应了需求' });
    assert.match(await responded.innerText(), new RegExp(SUPPLIER_NAME));
    await responded.locator(`a[href="${threadPath}"]`).click();
    await page.waitForURL(new RegExp(`${threadPath}$`));
    assert.match(await page.locator('.pre-line').first().innerText(), /45 天交付/);
    assert.match(await page.locator('dl.facts').innerText(), new RegExp(`${SUPPLIER_NAME}[\\s\\S]*${MATCH_TITLE}`));
    await screenshot('8-owner-thread');
    await page.click('.thread-actions button[data-action="shortlist"]');
    await page.waitForURL(new RegExp(`${threadPath}\\?notice=updated$`));
    assert.match(await page.locator('.flash').innerText(), /状态已更新/);
    assert.equal(await page.locator('#thread-status').innerText(), '入围');
    assert.match(await page.locator('ol.history').innerText(), /入围/);
    await screenshot('9-shortlisted');
  });
});
